import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query, UseGuards } from '@nestjs/common';
import {
  type AdminKeyListQuery,
  type ApiKey,
  type ApiKeyList,
  type ApiKeyWithUsageList,
  adminKeyListQuerySchema,
  type CreatedApiKey,
  type KeyChangeRequest,
  type KeyCreateRequest,
  keyChangeSchema,
  keyCreateSchema,
  type RevokedApiKey,
} from '@switchyard/contracts';
import { BodyPipe } from '../validation/body.pipe';
import { QueryPipe } from '../validation/query.pipe';
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

  @Get('keys')
  listAll(@Query(new QueryPipe(adminKeyListQuerySchema)) query: AdminKeyListQuery): Promise<ApiKeyWithUsageList> {
    return this.keys.listWithUsage(query);
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
