import { Controller, Get, HttpCode, Param, Post, Query, Req, UseGuards } from '@nestjs/common';
import { type DeadLetterListQuery, deadLetterListQuerySchema, type Redelivery } from '@switchyard/contracts';
import { ApiKeyGuard, type AuthenticatedRequest } from '../auth/api-key.guard';
import { QueryPipe } from '../validation/query.pipe';
import { type DeadLetterList, DeadLettersService } from './dead-letters.service';

@Controller('v1/webhooks/dead-letters')
@UseGuards(ApiKeyGuard)
export class DeadLettersController {
  constructor(private readonly deadLetters: DeadLettersService) {}

  @Get()
  list(@Req() request: AuthenticatedRequest, @Query(new QueryPipe(deadLetterListQuerySchema)) query: DeadLetterListQuery): Promise<DeadLetterList> {
    return this.deadLetters.list(request.caller, query);
  }

  @Post(':eventId/redeliver')
  @HttpCode(202)
  redeliver(@Req() request: AuthenticatedRequest, @Param('eventId') eventId: string): Promise<Redelivery> {
    return this.deadLetters.redeliver(eventId, request.caller);
  }
}
