import { Body, Controller, Headers, HttpCode, Inject, Post, UseGuards } from '@nestjs/common';
import type { ModelCatalog } from '@switchyard/config';
import { warmTokenizers } from '@switchyard/tokens';
import { ApiKeyGuard } from '../auth/api-key.guard';
import { providerOverride } from '../chat/provider-override';
import { MODEL_CATALOG } from '../tokens';
import { type ChatCompletionEstimate, estimateChatCompletion } from './estimate-chat-completion';

/** Tokens and cost of a chat completion before it runs: nothing is queued, called or recorded. */
@Controller('v1/estimate')
@UseGuards(ApiKeyGuard)
export class EstimateController {
  constructor(@Inject(MODEL_CATALOG) private readonly catalog: ModelCatalog) {
    // At start, so the first estimate does not stall every request in flight while an encoding loads.
    warmTokenizers(catalog.models.map((model) => model.model));
  }

  @Post()
  @HttpCode(200)
  estimate(@Body() body: unknown, @Headers() headers: Record<string, string | string[] | undefined>): ChatCompletionEstimate {
    return estimateChatCompletion(this.catalog, body, providerOverride(headers));
  }
}
