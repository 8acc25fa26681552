import { useState } from 'preact/hooks';
import { api, segment } from '../api/client';
import type { CreatedApiKey, KeyLimits, KeyWithUsage, List, Tenant } from '../api/types';
import { ConfirmButton } from '../components/confirm';
import { DataTable } from '../components/data-table';
import { Status } from '../components/status';
import { useLoad } from '../components/use-load';
import { formatInteger, formatTime, formatUsd } from '../format';
import { adminCredentials, useSession } from '../session/session';

const LIMIT_FIELDS: { field: keyof KeyLimits; label: string }[] = [
  { field: 'requestsPerMinute', label: 'requests/min' },
  { field: 'requestsPerDay', label: 'requests/day' },
  { field: 'tokensPerMinute', label: 'tokens/min' },
  { field: 'budgetUsdPerDay', label: 'USD/day' },
  { field: 'budgetUsdPerMonth', label: 'USD/month' },
];

/** Tenants and their keys (admin only): limits and what is used of them now, create (the secret shown once), revoke. */
export function KeysPage({ tenants, onTenantsChanged }: { tenants: Tenant[]; onTenantsChanged(): void }) {
  const session = useSession();
  const credentials = adminCredentials(session);
  const keys = useLoad(
    () => api.get<List<KeyWithUsage>>(credentials, '/admin/keys', { tenant: session.tenant, include_revoked: true }),
    [session.key, session.tenant],
  );
  return (
    <div>
      <h2>Keys</h2>
      <CreateKey tenants={tenants} onCreated={keys.reload} />
      <section>
        <h3>{session.tenant === '' ? 'Every tenant’s keys' : `Keys of ${session.tenant}`}</h3>
        <Status loaded={keys}>
          {(list) => (
            <DataTable columns={['name', 'tenant', 'prefix', 'state', 'limits', 'in use', 'created', '']} rows={list.data} empty="No keys.">
              {(key) => <KeyRow key={key.id} apiKey={key} onChanged={keys.reload} />}
            </DataTable>
          )}
        </Status>
      </section>
      <Tenants tenants={tenants} onCreated={onTenantsChanged} />
    </div>
  );
}

function KeyRow({ apiKey, onChanged }: { apiKey: KeyWithUsage; onChanged(): void }) {
  const session = useSession();
  const revoked = apiKey.revoked_at !== null;
  const limits = LIMIT_FIELDS.filter(({ field }) => apiKey.limits[field] !== undefined).map(({ field, label }) => `${apiKey.limits[field]} ${label}`);
  const usage = apiKey.usage;
  return (
    <tr data-testid="key-row" data-id={apiKey.id}>
      <td>{apiKey.name}</td>
      <td>{apiKey.tenant}</td>
      <td class="mono">{apiKey.prefix}…</td>
      <td>
        <span class={`badge ${revoked ? 'revoked' : 'active'}`} data-testid="key-state">
          {revoked ? 'revoked' : 'active'}
        </span>
      </td>
      <td>{limits.length === 0 ? 'none' : limits.join(', ')}</td>
      <td>
        {usage === undefined
          ? '–'
          : `${formatInteger(usage.requests_this_minute)} req/min, ${formatInteger(usage.tokens_this_minute)} tok/min, ${formatUsd(usage.spend_usd_today)} today, ${formatUsd(usage.spend_usd_this_month)} this month`}
      </td>
      <td>{formatTime(apiKey.created_at)}</td>
      <td>
        <ConfirmButton
          testId="key-revoke"
          disabled={revoked}
          question={`Revoke ${apiKey.name}? Requests with it are refused at once.`}
          onConfirm={async () => {
            await api.delete(adminCredentials(session), `/admin/keys/${segment(apiKey.id)}`);
            onChanged();
          }}
        >
          Revoke
        </ConfirmButton>
      </td>
    </tr>
  );
}

function CreateKey({ tenants, onCreated }: { tenants: Tenant[]; onCreated(): void }) {
  const session = useSession();
  const [tenant, setTenant] = useState(session.tenant);
  const [name, setName] = useState('');
  const [limits, setLimits] = useState<Record<string, string>>({});
  const [error, setError] = useState<string>();
  const [secret, setSecret] = useState<CreatedApiKey>();
  const chosen = tenant || (tenants[0]?.id ?? '');
  const submit = async (event: Event) => {
    event.preventDefault();
    setError(undefined);
    const given = Object.fromEntries(Object.entries(limits).flatMap(([field, text]) => (text.trim() === '' ? [] : [[field, Number(text)]])));
    try {
      const created = await api.post<CreatedApiKey>(adminCredentials(session), `/admin/tenants/${segment(chosen)}/keys`, {
        name,
        ...(Object.keys(given).length === 0 ? {} : { limits: given }),
      });
      setSecret(created);
      setName('');
      setLimits({});
      onCreated();
    } catch (cause) {
      setError(cause instanceof Error ? cause.message : String(cause));
    }
  };
  if (secret !== undefined) {
    return (
      <section class="secret">
        <h3>New key for {secret.tenant}</h3>
        <p>Copy it now: it is shown this once and cannot be read again.</p>
        <code data-testid="key-secret">{secret.key}</code>
        <p>
          <button type="button" data-testid="key-secret-done" onClick={() => setSecret(undefined)}>
            I have copied it
          </button>
        </p>
      </section>
    );
  }
  return (
    <section>
      <h3>Create a key</h3>
      <form class="filters" onSubmit={submit}>
        <select data-testid="key-create-tenant" value={chosen} onChange={(e) => setTenant(e.currentTarget.value)}>
          {tenants.map((t) => (
            <option key={t.id} value={t.id}>
              {t.id}
            </option>
          ))}
        </select>
        <input data-testid="key-create-name" placeholder="name" required value={name} onInput={(e) => setName(e.currentTarget.value)} />
        {LIMIT_FIELDS.map(({ field, label }) => (
          <input
            key={field}
            class="narrow"
            data-testid={`key-create-${field}`}
            type="number"
            min="0"
            step="any"
            placeholder={label}
            value={limits[field] ?? ''}
            onInput={(e) => setLimits({ ...limits, [field]: e.currentTarget.value })}
          />
        ))}
        <button type="submit" data-testid="key-create-submit" disabled={chosen === ''}>
          Create
        </button>
      </form>
      {error !== undefined && (
        <p class="error" data-testid="key-create-error">
          {error}
        </p>
      )}
    </section>
  );
}

function Tenants({ tenants, onCreated }: { tenants: Tenant[]; onCreated(): void }) {
  const session = useSession();
  const [id, setId] = useState('');
  const [name, setName] = useState('');
  const [error, setError] = useState<string>();
  const submit = async (event: Event) => {
    event.preventDefault();
    setError(undefined);
    try {
      await api.post(adminCredentials(session), '/admin/tenants', { id, name });
      setId('');
      setName('');
      onCreated();
    } catch (cause) {
      setError(cause instanceof Error ? cause.message : String(cause));
    }
  };
  return (
    <section>
      <h3>Tenants</h3>
      <table>
        <thead>
          <tr>
            <th>id</th>
            <th>name</th>
            <th>created</th>
          </tr>
        </thead>
        <tbody>
          {tenants.map((tenant) => (
            <tr key={tenant.id} data-testid="tenant-row" data-id={tenant.id}>
              <td class="mono">{tenant.id}</td>
              <td>{tenant.name}</td>
              <td>{formatTime(tenant.created_at)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <form class="filters" onSubmit={submit}>
        <input data-testid="tenant-create-id" placeholder="id (a-z, 0-9, - _)" required value={id} onInput={(e) => setId(e.currentTarget.value)} />
        <input data-testid="tenant-create-name" placeholder="name" required value={name} onInput={(e) => setName(e.currentTarget.value)} />
        <button type="submit" data-testid="tenant-create-submit">
          Add tenant
        </button>
      </form>
      {error !== undefined && <p class="error">{error}</p>}
    </section>
  );
}
