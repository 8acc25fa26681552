import { Controller, Get, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import type { LocalModelCommandResult, LocalProviderStateList } from '@switchyard/contracts';
import { AdminKeyGuard } from './admin-key.guard';
import { LocalModelsService } from './local-models.service';

@Controller('admin/local')
@UseGuards(AdminKeyGuard)
export class LocalModelsController {
  constructor(private readonly local: LocalModelsService) {}

  @Get()
  list(): Promise<LocalProviderStateList> {
    return this.local.list();
  }

  @Post(':provider/models/:model/load')
  @HttpCode(200)
  load(@Param('provider') provider: string, @Param('model') model: string): Promise<LocalModelCommandResult> {
    return this.local.command(provider, model, 'load');
  }

  @Post(':provider/models/:model/unload')
  @HttpCode(200)
  unload(@Param('provider') provider: string, @Param('model') model: string): Promise<LocalModelCommandResult> {
    return this.local.command(provider, model, 'unload');
  }
}
