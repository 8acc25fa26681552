import type { LimitInUse, ProviderState } from '../api/types';
import { Status } from '../components/status';
import { useAdminLoad } from '../components/use-admin-load';
import { formatInteger, formatTime } from '../format';

const inUse = (limit: LimitInUse | null) => (limit === null ? 'none' : `${formatInteger(limit.used)} / ${formatInteger(limit.limit)}`);

const modelName = (model: unknown) =>
  typeof model === 'string' ? model : ((model as { name?: string; model?: string }).name ?? (model as { model?: string }).model ?? JSON.stringify(model));

/** Each provider: its models' circuit breakers, its rate limits in use, and the models a local server has loaded. */
export function ProvidersPage() {
  const providers = useAdminLoad<{ data: ProviderState[] }>('/admin/providers', 'Providers are');
  return (
    <div>
      <div class="toolbar">
        <h2>Providers</h2>
        <button type="button" onClick={providers.reload}>
          Refresh
        </button>
      </div>
      <Status loaded={providers}>
        {(answer) => (
          <table>
            <thead>
              <tr>
                <th>provider</th>
                <th>kind</th>
                <th>models (circuit, recent failures)</th>
                <th>requests/min</th>
                <th>tokens/min</th>
                <th>local models</th>
              </tr>
            </thead>
            <tbody>
              {answer.data.map((provider) => (
                <tr key={provider.provider} data-testid="provider-row" data-id={provider.provider}>
                  <td>{provider.provider}</td>
                  <td>{provider.kind}</td>
                  <td>
                    {provider.models.map((model) => (
                      <div key={model.model}>
                        {model.model} <span class={`badge circuit-${model.circuit}`}>{model.circuit}</span> {model.recent_failures}
                      </div>
                    ))}
                  </td>
                  <td>{inUse(provider.limits.rpm)}</td>
                  <td>{inUse(provider.limits.tpm)}</td>
                  <td>
                    {provider.local === null
                      ? '–'
                      : `${provider.local.models.map(modelName).join(', ') || 'none loaded'} (at ${formatTime(provider.local.at)})`}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Status>
    </div>
  );
}
