import { api, segment } from '../api/client';
import type { List, PromptDetailObject, PromptStats, PromptSummaryObject } from '../api/types';
import { DataTable, OpenableRow } from '../components/data-table';
import { NeedsTenant, Status } from '../components/status';
import { useLoad } from '../components/use-load';
import { useTenantLoad } from '../components/use-tenant-load';
import { formatInteger, formatMs, formatNumber, formatPercent, formatTime, formatUsd } from '../format';
import { hrefOf } from '../router';
import { hasTenantScope, tenantCredentials, useSession } from '../session/session';

const labelText = (split: { version: number; weight: number }[]) =>
  split.length === 1 ? `v${split[0]?.version}` : split.map((arm) => `v${arm.version} ${arm.weight}%`).join(' / ');

/** Stored prompts; `#/prompts/<name>` shows its versions, labels and how the versions compare. */
export function PromptsPage({ selected }: { selected: string }) {
  const session = useSession();
  const prompts = useLoad(
    () =>
      hasTenantScope(session)
        ? api.get<List<PromptSummaryObject>>(tenantCredentials(session), '/v1/prompts')
        : Promise.resolve<List<PromptSummaryObject>>({ object: 'list', data: [] }),
    [session.key, session.tenant],
  );
  if (!hasTenantScope(session)) return <NeedsTenant what="prompts" />;
  return (
    <div>
      <h2>Prompts</h2>
      <Status loaded={prompts}>
        {(list) => (
          <DataTable columns={['name', { label: 'latest', numeric: true }, 'labels', 'source', 'created']} rows={list.data} empty="No prompts.">
            {(prompt) => (
              <OpenableRow key={prompt.name} page="prompts" id={prompt.name} selected={selected} testid="prompt-row">
                <td>{prompt.name}</td>
                <td class="num">v{prompt.latest_version}</td>
                <td>
                  {Object.entries(prompt.labels)
                    .map(([label, split]) => `${label}: ${labelText(split)}`)
                    .join(', ') || '–'}
                </td>
                <td>{prompt.source}</td>
                <td>{formatTime(prompt.created_at)}</td>
              </OpenableRow>
            )}
          </DataTable>
        )}
      </Status>
      {selected !== '' && <PromptDetail name={selected} />}
    </div>
  );
}

function PromptDetail({ name }: { name: string }) {
  const detail = useTenantLoad<PromptDetailObject>(`/v1/prompts/${segment(name)}`);
  const stats = useTenantLoad<PromptStats>(`/v1/prompts/${segment(name)}/stats`);
  return (
    <section class="detail" data-testid="prompt-detail">
      <div class="toolbar">
        <h3>{name}</h3>
        <a href={hrefOf('prompts')}>Close</a>
      </div>
      <Status loaded={detail}>
        {(prompt) => (
          <>
            <h4>Labels</h4>
            <p>
              {Object.entries(prompt.labels)
                .map(([label, split]) => `${label} → ${labelText(split)}`)
                .join('; ') || 'none'}
            </p>
            <h4>Versions</h4>
            <table>
              <thead>
                <tr>
                  <th class="num">version</th>
                  <th>model</th>
                  <th>messages</th>
                  <th>variants</th>
                  <th>author</th>
                  <th>note</th>
                  <th>created</th>
                </tr>
              </thead>
              <tbody>
                {[...prompt.versions].reverse().map((version) => (
                  <tr key={version.version} data-testid="prompt-version-row">
                    <td class="num">v{version.version}</td>
                    <td>{version.model ?? '–'}</td>
                    <td>{version.messages.length}</td>
                    <td>{version.variants.map((variant) => variant.model).join(', ') || '–'}</td>
                    <td>{version.author ?? '–'}</td>
                    <td>{version.note ?? '–'}</td>
                    <td>{formatTime(version.created_at)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </>
        )}
      </Status>
      <h4>Versions compared (last 7 days)</h4>
      <Status loaded={stats}>{(answer) => <StatsTable stats={answer} />}</Status>
    </section>
  );
}

function StatsTable({ stats }: { stats: PromptStats }) {
  if (stats.versions.length === 0) return <p class="muted">No requests rendered from this prompt in the range.</p>;
  const comparisonOf = (version: number | null) => stats.comparisons.find((c) => c.version === version);
  const significance = (test: { difference: number | null; p_value: number | null; significant: boolean } | undefined) =>
    test === undefined || test.difference === null
      ? '–'
      : `${formatNumber(test.difference)} (p=${formatNumber(test.p_value)}${test.significant ? ', significant' : ''})`;
  return (
    <table data-testid="prompt-stats">
      <thead>
        <tr>
          <th class="num">version</th>
          <th class="num">requests</th>
          <th class="num">error rate</th>
          <th class="num">p50 / p95</th>
          <th class="num">mean tokens</th>
          <th class="num">cost</th>
          <th class="num">valid JSON</th>
          <th class="num">feedback</th>
          <th>vs baseline v{stats.baseline ?? '–'}: errors</th>
          <th>feedback</th>
        </tr>
      </thead>
      <tbody>
        {stats.versions.map((row) => {
          const comparison = comparisonOf(row.version);
          return (
            <tr key={String(row.version)} data-testid="prompt-stats-row">
              <td class="num">{row.version === null ? '–' : `v${row.version}`}</td>
              <td class="num">{formatInteger(row.requests)}</td>
              <td class="num">{formatPercent(row.error_rate)}</td>
              <td class="num">
                {formatMs(row.latency_ms.p50)} / {formatMs(row.latency_ms.p95)}
              </td>
              <td class="num">{formatNumber(row.tokens.mean_total)}</td>
              <td class="num">{formatUsd(row.cost_usd)}</td>
              <td class="num">{formatPercent(row.structured.valid_rate)}</td>
              <td class="num">
                {formatNumber(row.feedback.mean_score)} ({row.feedback.scored})
              </td>
              <td>{row.version === stats.baseline ? 'baseline' : significance(comparison?.error_rate)}</td>
              <td>{row.version === stats.baseline ? '' : significance(comparison?.feedback)}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
