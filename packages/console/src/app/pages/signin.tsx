import { useState } from 'preact/hooks';

/** Paste a key. It is sent only in the Authorization header, never in a URL. */
export function SignInPage({ onSignIn }: { onSignIn(key: string): Promise<void> }) {
  const [key, setKey] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await onSignIn(key.trim());
      setKey('');
    } catch (cause) {
      setError(cause instanceof Error ? cause.message : String(cause));
    } finally {
      setBusy(false);
    }
  };
  return (
    <main class="signin">
      <h1>Switchyard console</h1>
      <form onSubmit={submit}>
        <label for="signin-key">API key (a tenant key, or the admin key)</label>
        <input
          id="signin-key"
          data-testid="signin-key"
          type="password"
          autocomplete="off"
          spellcheck={false}
          required
          value={key}
          onInput={(e) => setKey(e.currentTarget.value)}
        />
        <button type="submit" data-testid="signin-submit" disabled={busy || key.trim() === ''}>
          Sign in
        </button>
        {error !== undefined && (
          <p class="error" role="alert" data-testid="signin-error">
            {error}
          </p>
        )}
      </form>
      <p class="muted">The key stays in this tab: in memory, and encrypted in session storage so a reload keeps you signed in.</p>
    </main>
  );
}
