/** The value of an unlabelled sample in Prometheus text exposition, or undefined when absent. */
export function promSample(text: string, name: string): number | undefined {
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    const [sample, value] = line.trim().split(/\s+/);
    if (sample === name || sample?.startsWith(`${name}{`)) {
      const number = Number(value);
      if (Number.isFinite(number)) return number;
    }
  }
  return undefined;
}
