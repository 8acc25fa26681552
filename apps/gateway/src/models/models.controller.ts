import { Controller, Get, UseGuards } from '@nestjs/common';
import type { ModelList } from '@switchyard/contracts';
import { ApiKeyGuard } from '../auth/api-key.guard';
import { ModelsService } from './models.service';

@Controller('v1/models')
@UseGuards(ApiKeyGuard)
export class ModelsController {
  constructor(private readonly models: ModelsService) {}

  @Get()
  list(): Promise<ModelList> {
    return this.models.list();
  }
}
