import type { KeyLimiter } from '@switchyard/admission';
import type { BatchRunner, WebhookSink } from '@switchyard/async-jobs';
import type { RouteStructured } from '@switchyard/config';
import type { LlmJobPayload } from '@switchyard/contracts';
import type { UsageSink } from '@switchyard/database';
import type { Logger } from '@switchyard/observability';
import type { ProviderAdapter } from '@switchyard/providers';
import type { CallerPresence, JobCancellations, LlmJobProducer } from '@switchyard/queue';
import type { SessionTurns } from '@switchyard/sessions';
import type { Price } from '@switchyard/tokens';
import type { Redis } from 'ioredis';
import type { BackendHealth } from '../provider-health/backend-health';
import type { CircuitBreaker } from '../provider-health/circuit-breaker';
import type { ProviderBudget } from '../provider-health/provider-budget';
import type { ProviderCallMetrics } from './traced-adapter';
import type { UpstreamIdentity } from './upstream-identity';

/** Everything the job processor works with; each part of it takes only the fields it uses. */
export interface LlmJobProcessorDeps {
  adapters: ReadonlyMap<string, ProviderAdapter>;
  usage: UsageSink;
  /** Connection used to PUBLISH replies; never a subscriber or blocking one. */
  publisher: Redis;
  /** Puts a request on its next route's queue when the current one fails for good. */
  producer: LlmJobProducer;
  /** Shared per provider+model health; an open circuit sends the job on to its fallback without a call. */
  circuits?: CircuitBreaker;
  /** Tokens-per-minute and requests-per-day budgets; an exhausted one pauses the provider's queue. */
  budget?: ProviderBudget;
  /** Cancels from gateways: a streaming caller gone, an async job deleted. */
  cancellations?: JobCancellations;
  /** Whether a waiting caller's gateway is still there: a job whose gateway died is cancelled. */
  callers?: CallerPresence;
  /** Async jobs with a webhook report how they ended through it. */
  webhooks?: WebhookSink;
  /** Batch lines report their outcome to their batch. */
  batches?: Pick<BatchRunner, 'lineEnded'>;
  /** Backends whose health check fails; their jobs go on to the fallback without a call. */
  health?: Pick<BackendHealth, 'isDown'>;
  /** Keys charged an estimate up front are settled with each job's real usage. */
  keyLimits?: Pick<KeyLimiter, 'settle'>;
  /** The route's price, for the cost on its usage rows; without it (or a price) the cost is left null. */
  priceOf?: (route: LlmJobPayload['route']) => Price | undefined;
  /** How the route is asked for a JSON response_format and how often re-asked; without it, natively and twice. */
  structuredOf?: (route: LlmJobPayload['route']) => RouteStructured | undefined;
  /** Session turns: the window put in front of the input, turns run in order, each answered turn written once. */
  sessions?: Pick<SessionTurns, 'prepare' | 'commit' | 'release'>;
  /** Each provider's kind and address, for GenAI spans and metrics; a provider missing here is named by its name alone. */
  upstreams?: ReadonlyMap<string, UpstreamIdentity>;
  /** GenAI client metrics of each provider call (duration, tokens, time to first chunk). */
  providerCalls?: ProviderCallMetrics;
  logger: Logger;
}
