import { Controller, Get, Inject, UseGuards } from '@nestjs/common';
import type { ModelCatalog } from '@switchyard/config';
import type { ModelList } from '@switchyard/contracts';
import { ApiKeyGuard } from '../auth/api-key.guard';
import { MODEL_CATALOG } from '../tokens';

@Controller('v1/models')
@UseGuards(ApiKeyGuard)
export class ModelsController {
  private readonly created = Math.floor(Date.now() / 1000);

  constructor(@Inject(MODEL_CATALOG) private readonly catalog: ModelCatalog) {}

  /** Every name a caller may send: models and their aliases, for providers usable here. */
  @Get()
  list(): ModelList {
    return {
      object: 'list',
      data: this.catalog.models.flatMap((model) =>
        [model.name, ...model.aliases].map((id) => ({ id, object: 'model' as const, created: this.created, owned_by: model.provider })),
      ),
    };
  }
}
