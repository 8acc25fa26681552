import { parseArgs } from 'node:util';
import { UsageError } from './bench-case';

export const USAGE = `Usage: switchyard bench-models --suite <golden|file.jsonl> --models <a,b,...> [options]

Runs a suite against each model through the gateway and prints latency, time to
first token, output tokens/s, error rate, cost per 1,000 requests and quality.

  --suite <golden|path>     golden: every task's golden set; or a JSONL file of chat requests
  --models <a,b,...>        the models (or aliases) to compare; may be repeated
  --runs <n>                times each case is sent to each model (default 1)
  --concurrency <n>         requests in flight at once (default 4)
  --base-url <url>          the gateway (default $SWITCHYARD_URL or http://127.0.0.1:8080)
  --api-key <key>           an API key of the gateway (default $SWITCHYARD_API_KEY)
  --no-stream               send chat requests unstreamed (no time to first token)
  --timeout-ms <n>          per request (default 60000)
  --json <path>             write the run as JSON
  --html <path>             write a self-contained HTML report with charts
  --database-url <url>      store the run in model_benchmark_runs (default $DATABASE_URL)
  -h, --help                this text`;

export interface BenchArgs {
  suite: string;
  models: string[];
  runs: number;
  concurrency: number;
  baseUrl: string;
  apiKey: string;
  stream: boolean;
  timeoutMs: number;
  json: string | undefined;
  html: string | undefined;
  databaseUrl: string | undefined;
}

function positive(name: string, value: string | undefined, fallback: number, max: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n < 1 || n > max)
    throw new UsageError(`--${name} must be a whole number from 1 to ${max}, not "${value}".`);
  return n;
}

/** The arguments after `bench-models`; throws UsageError for anything wrong. Null for --help. */
export function parseBenchArgs(argv: string[], env: NodeJS.ProcessEnv): BenchArgs | null {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values } = parsed;
  if (values.help === true) return null;
  if (values.suite === undefined || values.suite === '') throw new UsageError('--suite is required: "golden" or the path of a JSONL file.');
  const models = (values.models ?? []).flatMap((list) => list.split(',')).map((m) => m.trim());
  if (models.length === 0 || models.some((m) => m === '')) throw new UsageError('--models is required: one or more model names, separated by commas.');
  if (new Set(models).size !== models.length) throw new UsageError('--models names a model twice.');
  const apiKey = values['api-key'] ?? env.SWITCHYARD_API_KEY;
  if (apiKey === undefined || apiKey === '') throw new UsageError('An API key is required: --api-key or SWITCHYARD_API_KEY.');
  const baseUrl = values['base-url'] ?? env.SWITCHYARD_URL ?? 'http://127.0.0.1:8080';
  if (!URL.canParse(baseUrl) || !/^https?:$/.test(new URL(baseUrl).protocol)) throw new UsageError(`--base-url must be an http(s) URL, not "${baseUrl}".`);
  const databaseUrl = values['database-url'] ?? (env.DATABASE_URL === '' ? undefined : env.DATABASE_URL);
  return {
    suite: values.suite,
    models,
    runs: positive('runs', values.runs, 1, 10_000),
    concurrency: positive('concurrency', values.concurrency, 4, 1000),
    baseUrl,
    apiKey,
    stream: values['no-stream'] !== true,
    timeoutMs: positive('timeout-ms', values['timeout-ms'], 60_000, 3_600_000),
    json: values.json,
    html: values.html,
    databaseUrl,
  };
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: {
      suite: { type: 'string' },
      models: { type: 'string', multiple: true },
      runs: { type: 'string' },
      concurrency: { type: 'string' },
      'base-url': { type: 'string' },
      'api-key': { type: 'string' },
      'no-stream': { type: 'boolean' },
      'timeout-ms': { type: 'string' },
      json: { type: 'string' },
      html: { type: 'string' },
      'database-url': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}
