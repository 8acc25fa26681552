/** `6m0s`, `1.5s`: how OpenAI writes a reset time in its x-ratelimit headers. */
export function resetText(ms: number): string {
  const hours = Math.floor(ms / 3_600_000);
  const minutes = Math.floor((ms % 3_600_000) / 60_000);
  const seconds = (ms % 60_000) / 1000;
  if (hours > 0) return `${hours}h${minutes}m${Math.round(seconds)}s`;
  return minutes > 0 ? `${minutes}m${Math.round(seconds)}s` : `${Number(seconds.toFixed(1))}s`;
}
