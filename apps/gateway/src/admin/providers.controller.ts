import { Controller, Get, UseGuards } from '@nestjs/common';
import type { ProviderStatusList } from '@switchyard/contracts';
import { AdminKeyGuard } from './admin-key.guard';
import { ProvidersService } from './providers.service';

@Controller('admin/providers')
@UseGuards(AdminKeyGuard)
export class ProvidersController {
  constructor(private readonly providers: ProvidersService) {}

  @Get()
  list(): Promise<ProviderStatusList> {
    return this.providers.list();
  }
}
