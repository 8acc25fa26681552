import { api, segment } from '../api/client';
import type { AsyncJobView, BatchView, DeadLetter, List } from '../api/types';
import { ConfirmButton } from '../components/confirm';
import { DataTable } from '../components/data-table';
import { NeedsTenant, Status } from '../components/status';
import { useTenantLoad } from '../components/use-tenant-load';
import { formatTime } from '../format';
import { hasTenantScope, tenantCredentials, useSession } from '../session/session';

const CANCELLABLE = new Set(['queued', 'running']);

/** Async jobs (with cancel), batches with their progress, and webhook events given up on (with redeliver). */
export function JobsPage() {
  const session = useSession();
  if (!hasTenantScope(session)) return <NeedsTenant what="jobs, batches and dead letters" />;
  return (
    <div>
      <h2>Jobs</h2>
      <Jobs />
      <Batches />
      <DeadLetters />
    </div>
  );
}

function Jobs() {
  const session = useSession();
  const credentials = tenantCredentials(session);
  const jobs = useTenantLoad<List<AsyncJobView>>('/v1/jobs', { limit: 100 });
  return (
    <section>
      <div class="toolbar">
        <h3>Async jobs</h3>
        <button type="button" onClick={jobs.reload}>
          Refresh
        </button>
      </div>
      <Status loaded={jobs}>
        {(list) => (
          <DataTable
            columns={['id', 'model', 'status', 'provider', 'created', 'finished', { label: 'attempts', numeric: true }, '']}
            rows={list.data}
            empty="No jobs."
          >
            {(job) => (
              <tr key={job.id} data-testid="job-row" data-id={job.id}>
                <td class="mono">{job.id}</td>
                <td>{job.model}</td>
                <td>
                  <span class={`badge ${job.status}`} data-testid="job-status">
                    {job.status}
                  </span>
                </td>
                <td>{job.provider ?? '–'}</td>
                <td>{formatTime(job.created_at)}</td>
                <td>{formatTime(job.finished_at)}</td>
                <td class="num">{job.attempts}</td>
                <td>
                  <ConfirmButton
                    testId="job-cancel"
                    question={`Cancel job ${job.id}?`}
                    disabled={!CANCELLABLE.has(job.status)}
                    onConfirm={async () => {
                      await api.delete(credentials, `/v1/jobs/${segment(job.id)}`);
                      jobs.reload();
                    }}
                  >
                    Cancel
                  </ConfirmButton>
                </td>
              </tr>
            )}
          </DataTable>
        )}
      </Status>
    </section>
  );
}

function Batches() {
  const batches = useTenantLoad<List<BatchView>>('/v1/batches', { limit: 100 });
  return (
    <section>
      <h3>Batches</h3>
      <Status loaded={batches}>
        {(list) => (
          <DataTable columns={['id', 'status', 'progress', 'created', 'expires']} rows={list.data} empty="No batches.">
            {(batch) => {
              const { total, completed, failed } = batch.request_counts;
              return (
                <tr key={batch.id} data-testid="batch-row" data-id={batch.id}>
                  <td class="mono">{batch.id}</td>
                  <td>
                    <span class={`badge ${batch.status}`}>{batch.status}</span>
                  </td>
                  <td>
                    <progress max={Math.max(total, 1)} value={completed + failed} /> {completed + failed}/{total}
                    {failed > 0 && <span class="error"> ({failed} failed)</span>}
                  </td>
                  <td>{formatTime(batch.created_at)}</td>
                  <td>{formatTime(batch.expires_at)}</td>
                </tr>
              );
            }}
          </DataTable>
        )}
      </Status>
    </section>
  );
}

function DeadLetters() {
  const session = useSession();
  const credentials = tenantCredentials(session);
  const letters = useTenantLoad<List<DeadLetter>>('/v1/webhooks/dead-letters', { limit: 100 });
  return (
    <section>
      <h3>Dead-lettered webhooks</h3>
      <Status loaded={letters}>
        {(list) => (
          <DataTable
            columns={['event', 'job', 'type', 'url', 'failed', { label: 'attempts', numeric: true }, 'last error', '']}
            rows={list.data}
            empty="No dead letters."
          >
            {(letter) => (
              <tr key={letter.eventId} data-testid="dead-letter-row" data-id={letter.eventId}>
                <td class="mono">{letter.eventId}</td>
                <td class="mono">{letter.jobId}</td>
                <td>{letter.type}</td>
                <td class="mono">{letter.url}</td>
                <td>{formatTime(letter.failedAt)}</td>
                <td class="num">{letter.attempts}</td>
                <td>{letter.lastError}</td>
                <td>
                  <ConfirmButton
                    testId="dead-letter-redeliver"
                    question="Send this event again?"
                    onConfirm={async () => {
                      await api.post(credentials, `/v1/webhooks/dead-letters/${segment(letter.eventId)}/redeliver`);
                      letters.reload();
                    }}
                  >
                    Redeliver
                  </ConfirmButton>
                </td>
              </tr>
            )}
          </DataTable>
        )}
      </Status>
    </section>
  );
}
