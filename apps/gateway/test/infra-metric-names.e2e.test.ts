import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Scrape, startWebhookReceiver, type WebhookReceiver } from '@switchyard/testing';
import { type RunningWebhookDispatcher, startWebhookDispatcher } from '@switchyard/webhook-dispatcher';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { type Platform, startPlatform, TEST_API_KEY } from './platform-harness';

const INFRA = resolve(__dirname, '../../../infra');
const PLATFORM_SECRET = 'whsec_c3dpdGNoeWFyZC13ZWJob29rcy10ZXN0';

/** Every PromQL expression of the Grafana dashboard, by panel title. */
function dashboardQueries(): Map<string, string> {
  const dashboard = JSON.parse(readFileSync(resolve(INFRA, 'grafana/switchyard-dashboard.json'), 'utf8')) as {
    panels: { title: string; targets?: { expr: string }[] }[];
  };
  return new Map(dashboard.panels.flatMap((panel) => (panel.targets ?? []).map((target, i) => [`${panel.title} #${i}`, target.expr] as const)));
}

/** Every alert's expression, by alert name. */
function alertQueries(): Map<string, string> {
  const rules = parse(readFileSync(resolve(INFRA, 'prometheus/switchyard-alerts.yml'), 'utf8')) as { groups: { rules: { alert: string; expr: string }[] }[] };
  return new Map(rules.groups.flatMap((group) => group.rules.map((rule) => [rule.alert, rule.expr] as const)));
}

/** The metrics a query reads (Switchyard's own and the GenAI conventions'), and the label names its selectors match on. */
function selectors(expr: string): { metric: string; labels: string[] }[] {
  // Label lists (`by (gen_ai_provider_name)`) name labels, not metrics.
  const metricsOnly = expr.replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, '');
  return [...metricsOnly.matchAll(/\b((?:switchyard|gen_ai)_[a-zA-Z0-9_]+)(?:\{([^}]*)\})?/g)].map(([, metric, matchers]) => ({
    metric: metric as string,
    labels: [...(matchers ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)\s*(?:=~|!~|!=|=)/g)].map((match) => match[1] as string),
  }));
}

/** The series names a scrape declares (`# TYPE`), a histogram's as Prometheus stores them; and the labels seen on each. */
function declared(scrapes: Scrape[]): Map<string, Set<string>> {
  const names = new Map<string, Set<string>>();
  for (const scrape of scrapes) {
    for (const [, name, type] of scrape.text.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
      const series = type === 'histogram' ? ['_bucket', '_sum', '_count'] : type === 'summary' ? ['', '_sum', '_count'] : [''];
      for (const suffix of series) names.set(`${name}${suffix}`, new Set());
    }
    for (const line of scrape.text.split('\n')) {
      const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)\{([^}]*)\}/.exec(line);
      if (match === null) continue;
      for (const [, label] of (match[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="/g)) names.get(match[1] as string)?.add(label as string);
    }
  }
  return names;
}

describe('the Grafana dashboard and the Prometheus alert rules in infra/', () => {
  let platform: Platform;
  let receiver: WebhookReceiver;
  let dispatcher: RunningWebhookDispatcher;
  let exported: Map<string, Set<string>>;

  beforeAll(async () => {
    receiver = await startWebhookReceiver({});
    platform = await startPlatform({ env: { METRICS_PORT: '0' } });
    dispatcher = await startWebhookDispatcher({ ...platform.env, METRICS_PORT: '0', WEBHOOK_SECRET: PLATFORM_SECRET, WEBHOOK_ALLOWLIST: '127.0.0.1' });
    // Some real traffic, so the labelled series exist: an answer, a failure, an async job with a webhook.
    await platform.client.chat.completions.create({ model: 'mock-echo', messages: [{ role: 'user', content: 'count me' }] });
    await expect(platform.client.chat.completions.create({ model: 'fails-500', messages: [{ role: 'user', content: 'x' }] })).rejects.toMatchObject({
      status: 502,
    });
    // A request its first route fails and its fallback answers, and a streamed one: the fallback and first-chunk series.
    await platform.client.chat.completions.create({ model: 'chain-after-500', messages: [{ role: 'user', content: 'fall back' }] });
    const stream = await platform.client.chat.completions.create({ model: 'mock-echo', stream: true, messages: [{ role: 'user', content: 'stream me' }] });
    for await (const _chunk of stream);
    const job = await fetch(`${platform.gateway.url}/v1/jobs`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TEST_API_KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'mock-echo', messages: [{ role: 'user', content: 'call back' }], webhook: { url: `${receiver.base}/done` } }),
    });
    expect(job.status).toBe(202);
    for (let i = 0; i < 200 && receiver.received.length === 0; i++) await new Promise((done) => setTimeout(done, 50));
    expect(receiver.received.length).toBeGreaterThan(0);
    const urls = [`${platform.gateway.url}/metrics`, platform.worker?.metricsUrl, dispatcher.metricsUrl];
    expect(urls.every((url) => url !== undefined)).toBe(true);
    // The dispatcher counts an attempt once the receiver has answered it, and the worker a run after its reply: scrape until both show.
    for (let i = 0; i < 100; i++) {
      exported = declared(await Promise.all(urls.map((url) => Scrape.of(url as string))));
      const seen = (name: string) => (exported.get(name)?.size ?? 0) > 0;
      if (seen('switchyard_webhook_attempts_total') && seen('switchyard_worker_queue_wait_seconds_bucket') && seen('switchyard_worker_fallbacks_total')) break;
      await new Promise((done) => setTimeout(done, 50));
    }
  });

  afterAll(async () => {
    await dispatcher?.close();
    await platform?.close();
    receiver?.close();
  });

  const check = (queries: Map<string, string>) => {
    const problems: string[] = [];
    for (const [where, expr] of queries) {
      const used = selectors(expr);
      if (used.length === 0) problems.push(`${where}: reads no switchyard metric`);
      for (const { metric, labels } of used) {
        const seen = exported.get(metric);
        if (seen === undefined) problems.push(`${where}: ${metric} is not exported`);
        else for (const label of labels) if (seen.size > 0 && !seen.has(label)) problems.push(`${where}: ${metric} has no label ${label}`);
      }
    }
    return problems;
  };

  it('the scrapes were read: gateway, worker and dispatcher metrics, with labels', () => {
    expect(exported.get('switchyard_http_requests_total')).toEqual(new Set(['method', 'route', 'status']));
    expect(exported.get('switchyard_worker_queue_wait_seconds_bucket')).toEqual(new Set(['provider', 'le']));
    expect(exported.get('switchyard_webhook_attempts_total')).toEqual(new Set(['outcome']));
  });

  it('the dashboard reads only metrics and labels the platform exports', () => {
    const queries = dashboardQueries();
    expect(queries.size).toBeGreaterThan(15);
    expect(check(queries)).toEqual([]);
  });

  it('the alert rules read only metrics and labels the platform exports, and cover the alerts an operator needs', () => {
    const queries = alertQueries();
    expect([...queries.keys()]).toEqual(
      expect.arrayContaining([
        'SwitchyardHighErrorRate',
        'SwitchyardQueueWaitHigh',
        'SwitchyardCircuitLikelyOpen',
        'SwitchyardBudgetNearLimit',
        'SwitchyardDeadLettersGrowing',
      ]),
    );
    expect(check(queries)).toEqual([]);
  });

  it('would notice a name that drifted', () => {
    expect(check(new Map([['renamed', 'rate(switchyard_http_requests{status="500"}[5m])']]))).toEqual(['renamed: switchyard_http_requests is not exported']);
    expect(check(new Map([['relabelled', 'rate(switchyard_http_requests_total{code="500"}[5m])']]))).toEqual([
      'relabelled: switchyard_http_requests_total has no label code',
    ]);
  });
});
