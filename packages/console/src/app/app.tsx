import { useCallback, useEffect, useState } from 'preact/hooks';
import { api } from './api/client';
import type { List, Tenant } from './api/types';
import { BenchmarksPage } from './pages/benchmarks';
import { JobsPage } from './pages/jobs';
import { KeysPage } from './pages/keys';
import { OverviewPage } from './pages/overview';
import { PromptsPage } from './pages/prompts';
import { ProvidersPage } from './pages/providers';
import { RequestsPage } from './pages/requests';
import { SignInPage } from './pages/signin';
import { hrefOf, PAGES, type Page, type Route, useRoute } from './router';
import { detectRole } from './session/detect-role';
import { forgetKey, sealKey, unsealKey } from './session/key-vault';
import { type Session, SessionContext } from './session/session';

const TENANT_CHOICE = 'switchyard-console.tenant';

export function App() {
  const [session, setSession] = useState<Session>();
  const [restoring, setRestoring] = useState(true);

  const signIn = useCallback(async (key: string) => {
    const role = await detectRole(key);
    await sealKey(key);
    const tenant = role.kind === 'tenant' ? role.me.tenant : (sessionStorage.getItem(TENANT_CHOICE) ?? '');
    setSession({ key, role, tenant });
  }, []);

  const signOut = useCallback(async () => {
    setSession(undefined);
    sessionStorage.removeItem(TENANT_CHOICE);
    await forgetKey();
  }, []);

  useEffect(() => {
    unsealKey()
      .then(async (key) => {
        if (key !== undefined) await signIn(key).catch(() => forgetKey());
      })
      .finally(() => setRestoring(false));
  }, [signIn]);

  if (restoring) return <p class="muted">Loading…</p>;
  if (session === undefined) return <SignInPage onSignIn={signIn} />;
  return (
    <SessionContext.Provider value={session}>
      <Shell
        session={session}
        onSignOut={signOut}
        onTenant={(tenant) => {
          sessionStorage.setItem(TENANT_CHOICE, tenant);
          setSession({ ...session, tenant });
        }}
      />
    </SessionContext.Provider>
  );
}

function Shell({ session, onSignOut, onTenant }: { session: Session; onSignOut(): void; onTenant(tenant: string): void }) {
  const route = useRoute();
  const admin = session.role.kind === 'admin';
  const [tenants, setTenants] = useState<Tenant[]>([]);
  const [round, setRound] = useState(0);
  useEffect(() => {
    if (!admin) return;
    api.get<List<Tenant>>({ key: session.key }, '/admin/tenants').then(
      (list) => setTenants(list.data),
      () => setTenants([]),
    );
  }, [admin, session.key, round]);
  const pages = PAGES.filter((page) => admin || page !== 'keys');
  return (
    <div class="shell">
      <header>
        <strong>Switchyard</strong>
        <nav>
          {pages.map((page) => (
            <a key={page} href={hrefOf(page)} data-testid={`nav-${page}`} aria-current={page === route.page ? 'page' : undefined}>
              {page}
            </a>
          ))}
        </nav>
        <span class="spacer" />
        {admin && (
          <select data-testid="tenant-select" aria-label="Tenant" value={session.tenant} onChange={(e) => onTenant(e.currentTarget.value)}>
            <option value="">all tenants</option>
            {tenants.map((tenant) => (
              <option key={tenant.id} value={tenant.id}>
                {tenant.id}
              </option>
            ))}
          </select>
        )}
        <span class="whoami" data-testid="whoami" title={session.role.kind === 'tenant' ? `key ${session.role.me.key_name}` : 'admin key'}>
          {session.role.kind === 'admin' ? 'admin' : session.role.me.tenant}
        </span>
        <button type="button" data-testid="signout" onClick={onSignOut}>
          Sign out
        </button>
      </header>
      <main>
        <PageOf route={route} admin={admin} tenants={tenants} onTenantsChanged={() => setRound((n) => n + 1)} />
      </main>
    </div>
  );
}

function PageOf({ route, admin, tenants, onTenantsChanged }: { route: Route; admin: boolean; tenants: Tenant[]; onTenantsChanged(): void }) {
  const page: Page = route.page === 'keys' && !admin ? 'overview' : route.page;
  switch (page) {
    case 'overview':
      return <OverviewPage />;
    case 'requests':
      return <RequestsPage selected={route.param} />;
    case 'jobs':
      return <JobsPage />;
    case 'keys':
      return <KeysPage tenants={tenants} onTenantsChanged={onTenantsChanged} />;
    case 'prompts':
      return <PromptsPage selected={route.param} />;
    case 'providers':
      return <ProvidersPage />;
    case 'benchmarks':
      return <BenchmarksPage />;
  }
}
