import type { BenchmarkRun } from '../api/types';
import { Status } from '../components/status';
import { useAdminLoad } from '../components/use-admin-load';
import { formatTime } from '../format';

/** Runs of the model benchmark suites, newest as the API lists them. */
export function BenchmarksPage() {
  const runs = useAdminLoad<{ data: BenchmarkRun[] }>('/admin/model-benchmarks', 'Benchmark runs are');
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
