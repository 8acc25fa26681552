import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, UseGuards } from '@nestjs/common';
import {
  type ApiKey,
  type ApiKeyList,
  type CreatedApiKey,
  type KeyChangeRequest,
  type KeyCreateRequest,
  keyChangeSchema,
  keyCreateSchema,
  type RevokedApiKey,
} from '@switchyard/contracts';
import { BodyPipe } from '../validation/body.pipe';
import { AdminKeyGuard } from './admin-key.guard';
import { ApiKeysService } from './api-keys.service';

@Controller('admin')
@UseGuards(AdminKeyGuard)
export class ApiKeysController {
  constructor(private readonly keys: ApiKeysService) {}

  @Post('tenants/:tenant/keys')
  create(@Param('tenant') tenant: string, @Body(new BodyPipe(keyCreateSchema)) input: KeyCreateRequest): Promise<CreatedApiKey> {
    return this.keys.create(tenant, input);
  }

  @Get('tenants/:tenant/keys')
  list(@Param('tenant') tenant: string): Promise<ApiKeyList> {
    return this.keys.list(tenant);
  }

  @Patch('keys/:id')
  change(@Param('id') id: string, @Body(new BodyPipe(keyChangeSchema)) input: KeyChangeRequest): Promise<ApiKey> {
    return this.keys.changeLimits(id, input);
  }

  @Delete('keys/:id')
  @HttpCode(200)
  revoke(@Param('id') id: string): Promise<RevokedApiKey> {
    return this.keys.revoke(id);
  }
}
