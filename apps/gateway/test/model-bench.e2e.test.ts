import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { TASKS } from '@switchyard/tasks';
import { writeTinyLlamaGguf } from '@switchyard/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium, launchBrowser } from './browser';
import { EMBEDDED_TEST_MODEL, type Platform, startPlatform, TEST_API_KEY } from './platform-harness';
import { type PrivatePostgres, startPrivatePostgres } from './private-postgres';

const exec = promisify(execFile);
const ADMIN_KEY = 'sk-admin-switchyard-test-bench-0001';
const ROOT = resolve(__dirname, '../../..');
/** The `switchyard` bin, as `npx switchyard` runs it. */
const CLI = join(ROOT, 'packages/model-bench/bin/switchyard.js');
const GOLDEN_CASES = [...TASKS.values()].reduce((sum, task) => sum + task.golden.length, 0);

interface Figures {
  requests: number;
  errors: number;
  error_rate: number;
  latency_ms: { p50: number; p95: number; p99: number } | null;
  ttft_ms: { p50: number; p95: number; p99: number } | null;
  output_tokens_per_s: number | null;
  cost_per_1k_requests_usd: number | null;
  quality_score: number | null;
  checks: { passed: number; total: number };
}

interface RunJson {
  id: string;
  suite: string;
  models: string[];
  runs: number;
  cases: number;
  results: Record<string, Figures>;
}

/** `switchyard bench-models …` as a user runs it: its exit code and what it printed. */
async function bench(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await exec(process.execPath, [CLI, 'bench-models', ...args], {
      env: { PATH: process.env.PATH, ...env },
      timeout: 120_000,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describe('switchyard bench-models', () => {
  let platform: Platform;
  let database: PrivatePostgres;
  let dir: string;

  beforeAll(async () => {
    // A database of its own, so the runs it stores are the only ones the admin list shows.
    database = await startPrivatePostgres();
    dir = await mkdtemp(join(tmpdir(), 'switchyard-bench-'));
    // A tiny embedded model too, run by worker-local: a model that really generates, token by token.
    const model = join(dir, 'tiny.gguf');
    await writeTinyLlamaGguf(model);
    platform = await startPlatform({
      embeddedModel: model,
      env: { DATABASE_URL: database.url, SWITCHYARD_PROMPTS_DIR: join(ROOT, 'prompts'), SWITCHYARD_ADMIN_KEY: ADMIN_KEY, WORKER_CONCURRENCY: '32' },
    });
    await platform.startLocalWorker();
  }, 120_000);

  afterAll(async () => {
    await platform?.close();
    await database?.destroy();
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  const common = () => ['--base-url', platform.gateway.url, '--api-key', TEST_API_KEY];

  it('runs the golden suite against two models and writes the table, JSON, HTML report and stored run', async () => {
    const json = join(dir, 'golden.json');
    const html = join(dir, 'reports/golden.html');
    const out = await bench(
      ['--suite', 'golden', '--models', 'mock-echo,backup-echo', '--runs', '2', '--concurrency', '6', '--json', json, '--html', html, ...common()],
      { DATABASE_URL: database.url },
    );
    expect(out.code, out.stderr).toBe(0);
    // The progress bar went to stderr, one line per tenth when not on a terminal.
    expect(out.stderr).toContain(`bench-models [##########] ${GOLDEN_CASES * 4}/${GOLDEN_CASES * 4}`);
    expect(out.stdout).toMatch(/model\s+requests\s+p50 ms\s+p95 ms\s+p99 ms/);
    expect(out.stdout).toMatch(new RegExp(`mock-echo\\s+${GOLDEN_CASES * 2}\\s`));
    expect(out.stdout).toMatch(/backup-echo .* 0\.0%\s+\$0\.0000\s+100\.0%/);

    const run = JSON.parse(await readFile(json, 'utf8')) as RunJson;
    expect(run).toMatchObject({ suite: 'golden', models: ['mock-echo', 'backup-echo'], runs: 2, cases: GOLDEN_CASES });
    for (const model of run.models) {
      const figures = run.results[model] as Figures;
      expect(figures).toMatchObject({ requests: GOLDEN_CASES * 2, errors: 0, error_rate: 0, quality_score: 1, ttft_ms: null });
      expect(figures.checks.passed).toBe(figures.checks.total);
      expect(figures.checks.total).toBeGreaterThan(GOLDEN_CASES * 2);
      expect(figures.latency_ms?.p50).toBeGreaterThan(0);
      expect(figures.latency_ms?.p95).toBeGreaterThanOrEqual(figures.latency_ms?.p50 ?? Infinity);
      expect(figures.latency_ms?.p99).toBeGreaterThanOrEqual(figures.latency_ms?.p95 ?? Infinity);
      expect(figures.output_tokens_per_s).toBeGreaterThan(0);
    }
    // The gateway's recorded cost: mock-echo is priced in the tests' routing config, backup-echo costs nothing.
    expect(run.results['mock-echo']?.cost_per_1k_requests_usd).toBeGreaterThan(0);
    expect(run.results['backup-echo']?.cost_per_1k_requests_usd).toBe(0);
    // The same figure as the request rows give: this file's database holds only its own requests.
    const rows = (await (await fetch(`${platform.gateway.url}/v1/requests?limit=500`, { headers: { authorization: `Bearer ${TEST_API_KEY}` } })).json()) as {
      data: { public_model: string; cost_usd: number }[];
    };
    const mockRows = rows.data.filter((row) => row.public_model === 'mock-echo');
    expect(mockRows).toHaveLength(GOLDEN_CASES * 2);
    const meanCost = mockRows.reduce((sum, row) => sum + Number(row.cost_usd), 0) / mockRows.length;
    expect(run.results['mock-echo']?.cost_per_1k_requests_usd).toBeCloseTo(meanCost * 1000, 9);

    const page = await readFile(html, 'utf8');
    expect(page).toContain('<title>Switchyard model benchmark');
    expect(page).toContain('uPlot');
    expect(page).toContain(`"id":"${run.id}"`);
    // Self-contained: no script or stylesheet is fetched from elsewhere.
    expect(page).not.toMatch(/<script[^>]+src=|<link[^>]+href=/);

    const listed = await fetch(`${platform.gateway.url}/admin/model-benchmarks`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } });
    expect(listed.status).toBe(200);
    const body = (await listed.json()) as { data: { id: string; suite: string; models: string[]; results: Record<string, Figures> }[] };
    expect(body.data).toHaveLength(1);
    expect(body.data[0]).toMatchObject({ id: run.id, suite: 'golden', models: ['mock-echo', 'backup-echo'] });
    expect(body.data[0]?.results['mock-echo']).toStrictEqual(run.results['mock-echo']);
  }, 120_000);

  it.skipIf(!hasChromium)("draws the HTML report's four charts offline, with no script error", async () => {
    const html = join(dir, 'reports/golden.html');
    const browser = await launchBrowser();
    try {
      const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
      const errors: string[] = [];
      page.on('pageerror', (error) => errors.push(error.message));
      page.on('request', (request) => {
        if (!request.url().startsWith('file:')) errors.push(`fetched ${request.url()}`);
      });
      await page.goto(`file://${html}`);
      await page.locator('.uplot canvas').nth(3).waitFor({ timeout: 5000 });
      expect(await page.locator('.uplot').count()).toBe(4);
      expect(await page.locator('#latency .u-legend').textContent()).toContain('backup-echo');
      expect(await page.locator('#table').textContent()).toContain('mock-echo');
      expect(errors).toStrictEqual([]);
    } finally {
      await browser.close();
    }
  });

  it('runs a JSONL suite, streamed, scoring exact / contains / json_schema and counting failed requests', async () => {
    const suite = join(dir, 'suite.jsonl');
    const lines = [
      { messages: [{ role: 'user', content: 'hello bench' }], expected: { exact: 'hello bench', contains: 'bench' } },
      { messages: [{ role: 'user', content: '{"ok": true}' }], expected: { json_schema: { type: 'object', required: ['ok'] } } },
      // The mock echoes, so this check fails: quality is the share of checks passed.
      { messages: [{ role: 'user', content: 'plain' }], expected: { contains: 'absent words' } },
    ];
    await writeFile(suite, `${lines.map((line) => JSON.stringify(line)).join('\n')}\n`);
    const json = join(dir, 'file.json');
    const out = await bench(['--suite', suite, '--models', 'mock-echo', '--models', 'fails-500', '--json', json, ...common()]);
    expect(out.code, out.stderr).toBe(0);
    const run = JSON.parse(await readFile(json, 'utf8')) as RunJson;
    expect(run.results['mock-echo']).toMatchObject({ requests: 3, errors: 0, quality_score: 0.75, checks: { passed: 3, total: 4 } });
    expect(run.results['mock-echo']?.ttft_ms?.p50).toBeGreaterThan(0);
    expect(run.results['mock-echo']?.ttft_ms?.p50).toBeLessThanOrEqual(run.results['mock-echo']?.latency_ms?.p50 ?? 0);
    expect(run.results['fails-500']).toMatchObject({ requests: 3, errors: 3, error_rate: 1, quality_score: 0, latency_ms: null });
  }, 60_000);

  it('measures an embedded model next to a mock one: time to first token, tokens/s, no cost', async () => {
    const suite = join(dir, 'embedded.jsonl');
    const lines = [
      { name: 'greeting', messages: [{ role: 'user', content: 'hello there' }], max_tokens: 12, temperature: 0 },
      { name: 'question', messages: [{ role: 'user', content: 'what is a switchyard' }], max_tokens: 12, temperature: 0 },
    ];
    await writeFile(suite, lines.map((line) => JSON.stringify(line)).join('\n'));
    const json = join(dir, 'embedded.json');
    const html = join(dir, 'embedded.html');
    const out = await bench(['--suite', suite, '--models', `mock-echo,${EMBEDDED_TEST_MODEL}`, '--runs', '2', '--json', json, '--html', html, ...common()]);
    expect(out.code, out.stderr).toBe(0);
    expect(out.stdout).toMatch(new RegExp(`${EMBEDDED_TEST_MODEL}\\s+4\\s`));
    const run = JSON.parse(await readFile(json, 'utf8')) as RunJson;
    const embedded = run.results[EMBEDDED_TEST_MODEL] as Figures;
    // No line expects anything: there is no quality to score.
    expect(embedded).toMatchObject({ requests: 4, errors: 0, quality_score: null, checks: { passed: 0, total: 0 } });
    expect(embedded.ttft_ms?.p50).toBeGreaterThan(0);
    expect(embedded.ttft_ms?.p99).toBeLessThanOrEqual(embedded.latency_ms?.p99 ?? 0);
    expect(embedded.output_tokens_per_s).toBeGreaterThan(0);
    // A model on the operator's own machine is recorded at no cost.
    expect(embedded.cost_per_1k_requests_usd).toBe(0);
    expect(await readFile(html, 'utf8')).toContain(EMBEDDED_TEST_MODEL);
  }, 120_000);

  it('exits with code 1 when no request is answered', async () => {
    const out = await bench(['--suite', 'golden', '--models', 'mock-echo', '--base-url', platform.gateway.url, '--api-key', 'sk-not-a-key-000000000000']);
    expect(out.code).toBe(1);
    expect(out.stderr).toContain('No request was answered');
  }, 60_000);

  it.each([
    [['--models', 'mock-echo'], '--suite is required'],
    [['--suite', 'golden'], '--models is required'],
    [['--suite', 'golden', '--models', 'a', '--runs', '0'], '--runs must be a whole number from 1 to 10000, not "0"'],
    [['--suite', 'golden', '--models', 'a', '--concurrency', 'many'], '--concurrency must be a whole number'],
    [['--suite', 'golden', '--models', 'a,a'], '--models names a model twice'],
    [['--suite', 'golden', '--models', 'a', '--colour'], "Unknown option '--colour'"],
    [['--suite', '/nowhere/suite.jsonl', '--models', 'a'], 'Cannot read the suite file /nowhere/suite.jsonl: ENOENT'],
    [['--suite', 'golden', '--models', 'a', '--base-url', 'ftp://x'], '--base-url must be an http(s) URL'],
  ])('refuses %j with a clear message and exit code 2', async (args, message) => {
    const out = await bench([...args, ...(args.includes('--base-url') ? [] : ['--base-url', 'http://127.0.0.1:1']), '--api-key', TEST_API_KEY]);
    expect(out.code).toBe(2);
    expect(out.stderr).toContain(message);
    expect(out.stderr).toContain('switchyard bench-models --help');
  });

  it('refuses a suite line that is not a chat request, naming the line', async () => {
    const suite = join(dir, 'bad.jsonl');
    await writeFile(suite, '{"messages":[{"role":"user","content":"hi"}]}\n{"prompt":"no messages"}\n');
    const out = await bench(['--suite', suite, '--models', 'mock-echo', ...common()]);
    expect(out.code).toBe(2);
    expect(out.stderr).toContain(`${suite}:2: a chat request needs a non-empty "messages" list.`);
  });

  it('refuses a run without an API key', async () => {
    const out = await bench(['--suite', 'golden', '--models', 'mock-echo', '--base-url', platform.gateway.url]);
    expect(out.code).toBe(2);
    expect(out.stderr).toContain('An API key is required: --api-key or SWITCHYARD_API_KEY.');
  });
});
