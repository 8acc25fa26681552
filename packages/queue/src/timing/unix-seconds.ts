/** A time as the OpenAI-style objects carry it: whole Unix seconds, or null when it has not happened. */
export function unixSeconds(at: Date | string | number | null | undefined): number | null {
  return at === null || at === undefined ? null : Math.floor(new Date(at).getTime() / 1000);
}
