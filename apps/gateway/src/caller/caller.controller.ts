import { Controller, Get, Req, UseGuards } from '@nestjs/common';
import type { Caller } from '@switchyard/contracts';
import { ApiKeyGuard, type AuthenticatedRequest } from '../auth/api-key.guard';
import { CallerService } from './caller.service';

/** `GET /v1/me`: whose key the caller holds, so a console knows the tenant it is showing. */
@Controller('v1/me')
@UseGuards(ApiKeyGuard)
export class CallerController {
  constructor(private readonly callers: CallerService) {}

  @Get()
  me(@Req() request: AuthenticatedRequest): Promise<Caller> {
    return this.callers.describe(request);
  }
}
