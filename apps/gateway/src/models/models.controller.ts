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
    const listed = new Map<string, ModelList['data'][number]>();
    for (const model of this.catalog.models) {
      for (const id of [model.name, ...model.aliases]) {
        // A model deployed on several providers is listed once, under the first.
        if (!listed.has(id)) listed.set(id, { id, object: 'model', created: this.created, owned_by: model.provider });
      }
    }
    return { object: 'list', data: [...listed.values()] };
  }
}
