import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';

interface ConfirmProps {
  /** What the first click shows, to be confirmed. */
  question: string;
  onConfirm(): Promise<void> | void;
  testId: string;
  disabled?: boolean;
  children: ComponentChildren;
}

/** A button that asks in the page (not window.confirm) before it acts; shows the error if the act fails. */
export function ConfirmButton({ question, onConfirm, testId, disabled, children }: ConfirmProps) {
  const [asking, setAsking] = useState(false);
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);
  const confirm = async () => {
    setBusy(true);
    setError(undefined);
    try {
      await onConfirm();
      setAsking(false);
    } catch (cause) {
      setError(cause instanceof Error ? cause.message : String(cause));
    } finally {
      setBusy(false);
    }
  };
  return (
    <span class="confirm">
      {!asking && (
        <button type="button" data-testid={testId} disabled={disabled} onClick={() => setAsking(true)}>
          {children}
        </button>
      )}
      {asking && (
        <span class="confirm-ask" role="alertdialog">
          {question}{' '}
          <button type="button" class="danger" data-testid="confirm-yes" disabled={busy} onClick={confirm}>
            Yes
          </button>{' '}
          <button type="button" data-testid="confirm-no" onClick={() => setAsking(false)}>
            No
          </button>
        </span>
      )}
      {error !== undefined && <span class="error">{error}</span>}
    </span>
  );
}
