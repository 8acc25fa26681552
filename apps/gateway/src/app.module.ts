import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { ModelBenchmarkRepository, UsageQueries, UsageSeriesQueries } from '@switchyard/database';
import { AdminKeyGuard } from './admin/admin-key.guard';
import { AdminUsageController } from './admin/admin-usage.controller';
import { ApiKeysController } from './admin/api-keys.controller';
import { ApiKeysService } from './admin/api-keys.service';
import { LocalModelsController } from './admin/local-models.controller';
import { LocalModelsService } from './admin/local-models.service';
import { ModelBenchmarksController } from './admin/model-benchmarks.controller';
import { ProvidersController } from './admin/providers.controller';
import { ProvidersService } from './admin/providers.service';
import { TenantsController } from './admin/tenants.controller';
import { TenantsService } from './admin/tenants.service';
import { ApiKeyGuard } from './auth/api-key.guard';
import { BatchesController } from './batches/batches.controller';
import { BatchesService } from './batches/batches.service';
import { CallerController } from './caller/caller.controller';
import { CallerService } from './caller/caller.service';
import { ChatCompletionsController } from './chat/chat-completions.controller';
import { ChatCompletionsService } from './chat/chat-completions.service';
import { OpenAIExceptionFilter } from './errors/openai-exception.filter';
import { EstimateController } from './estimate/estimate.controller';
import { FilesController } from './files/files.controller';
import { FilesService } from './files/files.service';
import type { GatewayContext } from './gateway-context';
import { HealthController } from './health/health.controller';
import { HealthService } from './health/health.service';
import { JobsController } from './jobs/jobs.controller';
import { JobsService } from './jobs/jobs.service';
import { MetricsController } from './metrics/metrics.controller';
import { ModelsController } from './models/models.controller';
import { ModelsService } from './models/models.service';
import { FeedbackController } from './prompt-results/feedback.controller';
import { PromptResultsService } from './prompt-results/prompt-results.service';
import { PromptStatsController } from './prompt-results/prompt-stats.controller';
import { PromptsController } from './prompts/prompts.controller';
import { PromptsService } from './prompts/prompts.service';
import { SessionsController } from './sessions/sessions.controller';
import { SessionsService } from './sessions/sessions.service';
import { TasksController } from './tasks/tasks.controller';
import { TasksService } from './tasks/tasks.service';
import {
  ASYNC_JOBS,
  BATCHES,
  CHAT_JOBS,
  DATABASE,
  FILES,
  KEY_LIMITS,
  KEY_STORE,
  LOGGER,
  MAX_FILE_BYTES,
  METRICS,
  MODEL_BENCHMARKS,
  MODEL_CATALOG,
  PLATFORM_ENV,
  PROMPT_RESOLVER,
  PROMPT_STORE,
  REDIS,
  RESPONSE_CACHE,
  ROUTING_CONFIG,
  SESSIONS,
  USAGE,
  USAGE_QUERIES,
  USAGE_SERIES,
  WEBHOOK_QUEUE_TOKEN,
} from './tokens';
import { UsageController } from './usage/usage.controller';
import { UsageService } from './usage/usage.service';
import { DeadLettersController } from './webhooks/dead-letters.controller';
import { DeadLettersService } from './webhooks/dead-letters.service';

@Module({})
export class AppModule {
  /** Wires an already-built context into Nest; no module creates connections of its own. */
  static forContext(context: GatewayContext): DynamicModule {
    return {
      module: AppModule,
      controllers: [
        TenantsController,
        ApiKeysController,
        AdminUsageController,
        ProvidersController,
        LocalModelsController,
        ModelBenchmarksController,
        CallerController,
        UsageController,
        ChatCompletionsController,
        JobsController,
        TasksController,
        BatchesController,
        FilesController,
        PromptsController,
        DeadLettersController,
        ModelsController,
        EstimateController,
        FeedbackController,
        PromptStatsController,
        SessionsController,
        HealthController,
        MetricsController,
      ],
      providers: [
        { provide: PLATFORM_ENV, useValue: context.env },
        { provide: ROUTING_CONFIG, useValue: context.config },
        { provide: MODEL_CATALOG, useValue: context.catalog },
        { provide: REDIS, useValue: context.redis },
        { provide: CHAT_JOBS, useValue: context.chatJobs },
        { provide: ASYNC_JOBS, useValue: context.asyncJobs },
        { provide: WEBHOOK_QUEUE_TOKEN, useValue: context.webhooks },
        { provide: DATABASE, useValue: context.database },
        { provide: LOGGER, useValue: context.logger },
        { provide: METRICS, useValue: context.metrics },
        { provide: USAGE, useValue: context.usage },
        { provide: FILES, useValue: context.files },
        { provide: BATCHES, useValue: context.batches },
        { provide: KEY_STORE, useValue: context.keyStore },
        { provide: KEY_LIMITS, useValue: context.keyLimits },
        { provide: USAGE_QUERIES, useValue: new UsageQueries(context.database) },
        { provide: USAGE_SERIES, useValue: new UsageSeriesQueries(context.database) },
        { provide: MODEL_BENCHMARKS, useValue: new ModelBenchmarkRepository(context.database) },
        { provide: RESPONSE_CACHE, useValue: context.responseCache },
        { provide: PROMPT_RESOLVER, useValue: context.promptResolver },
        { provide: MAX_FILE_BYTES, useValue: context.maxFileBytes },
        { provide: PROMPT_STORE, useValue: context.prompts },
        { provide: SESSIONS, useValue: context.sessions },
        { provide: APP_FILTER, useClass: OpenAIExceptionFilter },
        ApiKeyGuard,
        AdminKeyGuard,
        ChatCompletionsService,
        JobsService,
        TasksService,
        FilesService,
        PromptsService,
        TenantsService,
        ApiKeysService,
        ProvidersService,
        LocalModelsService,
        CallerService,
        UsageService,
        BatchesService,
        DeadLettersService,
        ModelsService,
        HealthService,
        PromptResultsService,
        SessionsService,
      ],
    };
  }
}
