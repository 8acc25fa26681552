import { api } from '../api/client';
import type { BenchmarkRun } from '../api/types';
import { Status } from '../components/status';
import { useLoad } from '../components/use-load';
import { formatTime } from '../format';
import { adminCredentials, isAdmin, useSession } from '../session/session';

/** Runs of the model benchmark suites, newest as the API lists them. */
export function BenchmarksPage() {
  const session = useSession();
  const runs = useLoad(
    () =>
      isAdmin(session)
        ? api.get<{ data: BenchmarkRun[] }>(adminCredentials(session), '/admin/model-benchmarks')
        : Promise.reject(new Error('Benchmark runs are shown to the admin key only.')),
    [session.key],
  );
  return (
    <div>
      <h2>Benchmarks</h2>
      <Status loaded={runs}>
        {(answer) =>
          answer.data.length === 0 ? (
            <p class="muted" data-testid="benchmarks-empty">
              No benchmark runs yet.
            </p>
          ) : (
            <table>
              <thead>
                <tr>
                  <th>run</th>
                  <th>suite</th>
                  <th>models</th>
                  <th>created</th>
                  <th>results</th>
                </tr>
              </thead>
              <tbody>
                {answer.data.map((run) => (
                  <tr key={run.id} data-testid="benchmark-row" data-id={run.id}>
                    <td class="mono">{run.id}</td>
                    <td>{run.suite}</td>
                    <td>{run.models.join(', ')}</td>
                    <td>{formatTime(run.created_at)}</td>
                    <td>
                      <details>
                        <summary>show</summary>
                        <pre class="json">{JSON.stringify(run.results, null, 2)}</pre>
                      </details>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )
        }
      </Status>
    </div>
  );
}
