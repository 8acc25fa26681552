import { useState } from 'preact/hooks';
import { api, segment } from '../api/client';
import type { List, RequestRow } from '../api/types';
import { DataTable, OpenableRow } from '../components/data-table';
import { Status } from '../components/status';
import { useLoad } from '../components/use-load';
import { formatInteger, formatMs, formatTime, formatUsd } from '../format';
import { hrefOf } from '../router';
import { adminCredentials, isAdmin, type Session, tenantCredentials, useSession } from '../session/session';

const STATUSES = ['succeeded', 'failed', 'expired', 'cancelled', 'rejected'];

interface Filters {
  model: string;
  status: string;
  user: string;
}

function loadPage(session: Session, filters: Filters, cursor: string | undefined): Promise<List<RequestRow>> {
  const query = { ...filters, cursor, limit: 50 };
  return isAdmin(session)
    ? api.get(adminCredentials(session), '/admin/requests', { ...query, tenant: session.tenant })
    : api.get(tenantCredentials(session), '/v1/requests', query);
}

function loadOne(session: Session, id: string): Promise<RequestRow> {
  return isAdmin(session)
    ? api.get(adminCredentials(session), `/admin/requests/${segment(id)}`, { tenant: session.tenant })
    : api.get(tenantCredentials(session), `/v1/requests/${segment(id)}`);
}

/** Requests newest first, filtered, a page at a time; `#/requests/<id>` opens one. */
export function RequestsPage({ selected }: { selected: string }) {
  const session = useSession();
  const [draft, setDraft] = useState<Filters>({ model: '', status: '', user: '' });
  const [filters, setFilters] = useState<Filters>(draft);
  // The cursors of the pages before this one, to go back.
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const cursor = cursors[cursors.length - 1];
  const page = useLoad(() => loadPage(session, filters, cursor), [session.key, session.tenant, filters, cursor]);
  return (
    <div>
      <h2>Requests</h2>
      <form
        class="filters"
        onSubmit={(event) => {
          event.preventDefault();
          setCursors([undefined]);
          setFilters(draft);
        }}
      >
        <input placeholder="model" data-testid="filter-model" value={draft.model} onInput={(e) => setDraft({ ...draft, model: e.currentTarget.value })} />
        <select data-testid="filter-status" value={draft.status} onChange={(e) => setDraft({ ...draft, status: e.currentTarget.value })}>
          <option value="">any status</option>
          {STATUSES.map((status) => (
            <option key={status} value={status}>
              {status}
            </option>
          ))}
        </select>
        <input placeholder="user" data-testid="filter-user" value={draft.user} onInput={(e) => setDraft({ ...draft, user: e.currentTarget.value })} />
        <button type="submit" data-testid="filter-apply">
          Filter
        </button>
      </form>
      <Status loaded={page}>
        {(list) => (
          <>
            <DataTable
              columns={[
                'time',
                'model',
                'provider',
                'status',
                'user',
                { label: 'tokens', numeric: true },
                { label: 'cost', numeric: true },
                { label: 'latency', numeric: true },
              ]}
              rows={list.data}
              empty="No requests."
            >
              {(row) => (
                <OpenableRow key={row.id} page="requests" id={row.id} selected={selected} testid="request-row">
                  <td>{formatTime(row.created_at)}</td>
                  <td>{row.public_model ?? row.model ?? '–'}</td>
                  <td>{row.provider ?? '–'}</td>
                  <td>
                    <span class={`badge ${row.status}`}>{row.status}</span>
                  </td>
                  <td>{row.user ?? '–'}</td>
                  <td class="num">{formatInteger(row.total_tokens)}</td>
                  <td class="num">{formatUsd(row.cost_usd)}</td>
                  <td class="num">{formatMs(row.latency_ms)}</td>
                </OpenableRow>
              )}
            </DataTable>
            <div class="pager">
              <button type="button" data-testid="requests-prev" disabled={cursors.length < 2} onClick={() => setCursors(cursors.slice(0, -1))}>
                Newer
              </button>
              <button
                type="button"
                data-testid="requests-next"
                disabled={!list.next_cursor}
                onClick={() => list.next_cursor && setCursors([...cursors, list.next_cursor])}
              >
                Older
              </button>
            </div>
          </>
        )}
      </Status>
      {selected !== '' && <RequestDetail id={selected} />}
    </div>
  );
}

function RequestDetail({ id }: { id: string }) {
  const session = useSession();
  const loaded = useLoad(() => loadOne(session, id), [session.key, session.tenant, id]);
  return (
    <section class="detail" data-testid="request-detail" data-id={id}>
      <div class="toolbar">
        <h3>Request {id}</h3>
        <a href={hrefOf('requests')}>Close</a>
      </div>
      <Status loaded={loaded}>
        {(row) => (
          <>
            <dl class="fields">
              <Field name="status" value={row.error_code === null ? row.status : `${row.status} (${row.error_code})`} />
              <Field name="created" value={formatTime(row.created_at)} />
              <Field name="request id" value={row.request_id} />
              <Field name="tenant" value={row.tenant} />
              <Field name="key" value={row.key_id} />
              <Field name="user" value={row.user} />
              <Field name="model" value={`${row.public_model ?? '–'} → ${row.provider ?? '–'} / ${row.model ?? '–'}`} />
              <Field name="tokens" value={`${row.prompt_tokens} prompt + ${row.completion_tokens} completion = ${row.total_tokens}`} />
              <Field name="cost" value={formatUsd(row.cost_usd)} />
              <Field name="latency" value={formatMs(row.latency_ms)} />
              <Field name="queue wait" value={formatMs(row.queue_wait_ms)} />
              <Field name="upstream" value={formatMs(row.upstream_latency_ms)} />
              <Field name="first token" value={formatMs(row.first_token_ms)} />
              <Field name="cache hit" value={row.cache_hit ? 'yes' : 'no'} />
              <Field name="streamed" value={row.streamed ? 'yes' : 'no'} />
              <Field name="attempts" value={String(row.attempts)} />
              <Field
                name="prompt"
                value={
                  row.prompt_name === null ? null : `${row.prompt_name} v${row.prompt_version ?? '?'}${row.prompt_variant ? ` (${row.prompt_variant})` : ''}`
                }
              />
              <Field name="session" value={row.session_id} />
              <Field
                name="structured"
                value={
                  row.structured_mode === null
                    ? null
                    : `${row.structured_mode}, ${row.structured_valid === null ? 'unchecked' : row.structured_valid ? 'valid' : 'invalid'}, ${row.structured_repairs ?? 0} repairs`
                }
              />
            </dl>
            <RouteAttempts row={row} />
          </>
        )}
      </Status>
    </section>
  );
}

interface RouteAttempt {
  provider: string;
  model: string;
  code: string;
  attempts: number;
  upstreamStatus?: number;
}

/** The routes tried before the one that answered (the row keeps only those that failed), then how it ended. */
function RouteAttempts({ row }: { row: RequestRow }) {
  const failed = Array.isArray(row.route_attempts) ? (row.route_attempts as RouteAttempt[]) : [];
  return (
    <>
      <h4>Route attempts</h4>
      <table data-testid="detail-route-attempts">
        <thead>
          <tr>
            <th>provider</th>
            <th>model</th>
            <th>outcome</th>
            <th class="num">tries</th>
          </tr>
        </thead>
        <tbody>
          {failed.map((attempt, index) => (
            <tr key={index} data-testid="route-attempt" data-provider={attempt.provider}>
              <td>{attempt.provider}</td>
              <td class="mono">{attempt.model}</td>
              <td class="error">
                {attempt.code}
                {attempt.upstreamStatus === undefined ? '' : ` (HTTP ${attempt.upstreamStatus})`}
              </td>
              <td class="num">{attempt.attempts}</td>
            </tr>
          ))}
          <tr data-testid="route-attempt" data-provider={row.provider ?? ''}>
            <td>{row.provider ?? '–'}</td>
            <td class="mono">{row.model ?? '–'}</td>
            <td>{row.error_code ?? row.status}</td>
            <td class="num">{Math.max(row.attempts - failed.reduce((sum, attempt) => sum + attempt.attempts, 0), 0)}</td>
          </tr>
        </tbody>
      </table>
    </>
  );
}

function Field({ name, value }: { name: string; value: string | null }) {
  return (
    <>
      <dt>{name}</dt>
      <dd data-testid={`detail-${name.replaceAll(' ', '-')}`}>{value ?? '–'}</dd>
    </>
  );
}
