// What the console reads. The shapes the contracts package defines are imported from it (types
// only, nothing of it is bundled); the rest are written here as the gateway answers them.
import type { ApiKey } from '@switchyard/contracts';

export type {
  ApiKey,
  AsyncJobView,
  BatchView,
  CreatedApiKey,
  PromptDetailObject,
  PromptStats,
  PromptSummaryObject,
  RequestRow,
  Tenant,
} from '@switchyard/contracts';

export type KeyLimits = ApiKey['limits'];

export interface List<T> {
  object: 'list';
  data: T[];
  has_more?: boolean;
  next_cursor?: string | null;
  last_id?: string | null;
}

/** `GET /v1/me`: the tenant key's own view of itself. */
export interface Me {
  tenant: string;
  key_id: string;
  key_name: string;
  limits: Record<string, number | undefined>;
}

export type {
  UsageSeries,
  UsageSeriesGroup as SeriesGroup,
  UsageSeriesInterval as SeriesInterval,
  UsageSeriesPoint as SeriesPoint,
} from '@switchyard/contracts';

/** A row of `GET /v1/webhooks/dead-letters`. */
export interface DeadLetter {
  eventId: string;
  jobId: string;
  type: string;
  url: string;
  createdAt: number;
  failedAt: number;
  attempts: number;
  lastError: string;
}

/** `GET /admin/keys`: a key with what it has used of its limits. */
export interface KeyWithUsage extends ApiKey {
  usage?: { requests_this_minute: number; tokens_this_minute: number; spend_usd_today: number; spend_usd_this_month: number };
}

export interface LimitInUse {
  limit: number;
  used: number;
}

/** A row of `GET /admin/providers`. */
export interface ProviderState {
  provider: string;
  kind: string;
  models: { model: string; circuit: string; recent_failures: number }[];
  limits: { rpm: LimitInUse | null; tpm: LimitInUse | null };
  local: { models: unknown[]; at: string | number } | null;
}

/** A row of `GET /admin/model-benchmarks`. */
export interface BenchmarkRun {
  id: string;
  created_at: string | number;
  suite: string;
  models: string[];
  results: unknown;
}
