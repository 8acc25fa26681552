import { Body, Controller, Get, Post, UseGuards } from '@nestjs/common';
import { type Tenant, type TenantCreateRequest, type TenantList, tenantCreateSchema } from '@switchyard/contracts';
import { BodyPipe } from '../validation/body.pipe';
import { AdminKeyGuard } from './admin-key.guard';
import { TenantsService } from './tenants.service';

@Controller('admin/tenants')
@UseGuards(AdminKeyGuard)
export class TenantsController {
  constructor(private readonly tenants: TenantsService) {}

  @Post()
  create(@Body(new BodyPipe(tenantCreateSchema)) input: TenantCreateRequest): Promise<Tenant> {
    return this.tenants.create(input);
  }

  @Get()
  list(): Promise<TenantList> {
    return this.tenants.list();
  }
}
