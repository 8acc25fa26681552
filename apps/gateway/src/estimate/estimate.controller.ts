import { Body, Controller, Headers, HttpCode, Inject, Post, UseGuards } from '@nestjs/common';
import type { ModelCatalog } from '@switchyard/config';
import { ApiKeyGuard } from '../auth/api-key.guard';
import { providerOverride } from '../request/provider-override';
import { MODEL_CATALOG } from '../tokens';
import { type ChatCompletionEstimate, estimateChatCompletion } from './estimate-chat-completion';

/** Tokens and cost of a chat completion before it runs: nothing is queued, called or recorded. */
@Controller('v1/estimate')
@UseGuards(ApiKeyGuard)
export class EstimateController {
  // Encodings load on the first estimate that needs them (0.1-0.5 s, once per process) rather than at
  // start: they hold up to ~90 MB, and nothing else in the gateway uses them.
  constructor(@Inject(MODEL_CATALOG) private readonly catalog: ModelCatalog) {}

  @Post()
  @HttpCode(200)
  estimate(@Body() body: unknown, @Headers() headers: Record<string, string | string[] | undefined>): ChatCompletionEstimate {
    return estimateChatCompletion(this.catalog, body, providerOverride(headers));
  }
}
