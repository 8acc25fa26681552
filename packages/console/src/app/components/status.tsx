import type { ComponentChildren } from 'preact';
import type { Loaded } from './use-load';

/** A load's error or "loading", or the children once there is data. */
export function Status<T>({ loaded, children }: { loaded: Loaded<T>; children: (data: T) => ComponentChildren }) {
  if (loaded.error !== undefined) return <p class="error">{loaded.error}</p>;
  if (loaded.data === undefined) return <p class="muted">Loading…</p>;
  return <>{children(loaded.data)}</>;
}

export function NeedsTenant({ what }: { what: string }) {
  return <p class="muted">Pick a tenant above to see its {what}.</p>;
}
