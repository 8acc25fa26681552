import { useMemo, useState } from 'preact/hooks';
import { api } from '../api/client';
import type { SeriesGroup, UsageSeries } from '../api/types';
import { Chart } from '../components/chart';
import { DataTable } from '../components/data-table';
import { Status } from '../components/status';
import { useLoad } from '../components/use-load';
import { formatInteger, formatMs, formatNumber, formatPercent, formatUsd, formatUsdTick } from '../format';
import { type Bucket, breakdownOf, RANGES, type RangeName, timelineOf } from '../overview/series';
import { adminCredentials, isAdmin, type Session, tenantCredentials, useSession } from '../session/session';

const GROUPS: SeriesGroup[] = ['model', 'provider', 'key', 'user'];

/** Admins read across tenants (or one) from `/admin`; a tenant key reads its own from `/v1`. */
function loadSeries(session: Session, range: RangeName, group?: SeriesGroup): Promise<UsageSeries> {
  const to = new Date();
  const from = new Date(to.getTime() - RANGES[range].ms);
  const query = { from: from.toISOString(), to: to.toISOString(), interval: RANGES[range].interval, ...(group === undefined ? {} : { group_by: group }) };
  return isAdmin(session)
    ? api.get(adminCredentials(session), '/admin/usage/series', { ...query, tenant: session.tenant })
    : api.get(tenantCredentials(session), '/v1/usage/series', query);
}

export function OverviewPage() {
  const session = useSession();
  const [range, setRange] = useState<RangeName>('24h');
  // The ungrouped series draws the charts: its percentiles are exact, where groups' could only be averaged.
  const loaded = useLoad(
    () => Promise.all([loadSeries(session, range), Promise.all(GROUPS.map((group) => loadSeries(session, range, group)))]),
    [session.key, session.tenant, range],
  );
  return (
    <div>
      <div class="toolbar">
        <h2>Overview</h2>
        <fieldset class="segmented" aria-label="Range">
          {(Object.keys(RANGES) as RangeName[]).map((name) => (
            <button type="button" key={name} data-testid={`range-${name}`} aria-pressed={name === range} onClick={() => setRange(name)}>
              {RANGES[name].label}
            </button>
          ))}
        </fieldset>
      </div>
      <Status loaded={loaded}>{([overall, groups]) => <OverviewBody overall={overall} groups={groups} />}</Status>
    </div>
  );
}

function OverviewBody({ overall, groups }: { overall: UsageSeries; groups: UsageSeries[] }) {
  const timeline = useMemo(() => timelineOf(overall), [overall]);
  const lines = useMemo(() => {
    const pick = (read: (bucket: Bucket) => number | null) => timeline.buckets.map(read);
    return {
      requests: [
        { label: 'requests', values: pick((b) => b.requests), color: '#2563eb' },
        { label: 'errors', values: pick((b) => b.errors), color: '#dc2626' },
      ],
      cost: [{ label: 'cost (USD)', values: pick((b) => b.costUsd), color: '#059669' }],
      latency: [
        { label: 'p50 ms', values: pick((b) => b.p50LatencyMs), color: '#7c3aed', sparse: true },
        { label: 'p95 ms', values: pick((b) => b.p95LatencyMs), color: '#db2777', sparse: true },
      ],
      tokens: [
        { label: 'prompt tokens', values: pick((b) => b.promptTokens), color: '#0891b2' },
        { label: 'completion tokens', values: pick((b) => b.completionTokens), color: '#ca8a04' },
      ],
    };
  }, [timeline]);
  if (lines === undefined) return null;
  const totals = breakdownOf(overall).reduce(
    (sum, row) => ({
      requests: sum.requests + row.total.requests,
      errors: sum.errors + row.total.errors,
      cacheHits: sum.cacheHits + row.total.cacheHits,
      tokens: sum.tokens + row.total.promptTokens + row.total.completionTokens,
      cost: sum.cost + row.total.costUsd,
    }),
    { requests: 0, errors: 0, cacheHits: 0, tokens: 0, cost: 0 },
  );
  return (
    <>
      <div class="tiles">
        <Tile label="Requests" testId="stat-requests" value={String(totals.requests)} />
        <Tile label="Errors" testId="stat-errors" value={formatInteger(totals.errors)} />
        <Tile label="Cache-hit rate" testId="stat-cache-hit-rate" value={formatPercent(totals.requests === 0 ? null : totals.cacheHits / totals.requests)} />
        <Tile label="Tokens" testId="stat-tokens" value={formatInteger(totals.tokens)} />
        <Tile label="Cost" testId="stat-cost" value={formatUsd(totals.cost)} />
      </div>
      <div class="charts">
        <Chart title="Requests and errors" testId="chart-requests" x={timeline.x} lines={lines.requests} points={timeline.filled} />
        <Chart title="Cost (USD)" testId="chart-cost" x={timeline.x} lines={lines.cost} points={timeline.filled} format={formatUsdTick} />
        <Chart title="Latency p50 / p95 (ms)" testId="chart-latency" x={timeline.x} lines={lines.latency} points={timeline.filled} />
        <Chart title="Tokens" testId="chart-tokens" x={timeline.x} lines={lines.tokens} points={timeline.filled} />
      </div>
      <div class="breakdowns">
        {groups.map((answer) => (
          <Breakdown key={answer.group_by ?? 'all'} answer={answer} />
        ))}
      </div>
    </>
  );
}

function Tile({ label, value, testId }: { label: string; value: string; testId: string }) {
  return (
    <div class="tile">
      <div class="muted">{label}</div>
      <div class="tile-value" data-testid={testId}>
        {value}
      </div>
    </div>
  );
}

function Breakdown({ answer }: { answer: UsageSeries }) {
  const rows = breakdownOf(answer);
  return (
    <section class="scroll">
      <h3>By {answer.group_by}</h3>
      <DataTable
        columns={[
          answer.group_by,
          { label: 'requests', numeric: true },
          { label: 'errors', numeric: true },
          { label: 'cache hits', numeric: true },
          { label: 'tokens', numeric: true },
          { label: 'cost', numeric: true },
          { label: 'avg latency', numeric: true },
        ]}
        rows={rows}
        empty="No requests in this range."
        testid={`breakdown-${answer.group_by}`}
      >
        {({ group, total }) => (
          <tr key={group} data-group={group}>
            <td>{group}</td>
            <td class="num">{formatInteger(total.requests)}</td>
            <td class="num">{formatInteger(total.errors)}</td>
            <td class="num">{formatNumber(total.cacheHits)}</td>
            <td class="num">{formatInteger(total.promptTokens + total.completionTokens)}</td>
            <td class="num">{formatUsd(total.costUsd)}</td>
            <td class="num">{formatMs(total.avgLatencyMs)}</td>
          </tr>
        )}
      </DataTable>
    </section>
  );
}
