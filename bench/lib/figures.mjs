// A bench's key figures as JSON, for bench/compare: each figure carries its
// unit and which way is better, so a comparison can tell a regression apart.
import { writeFileSync } from 'node:fs';

/** One figure: `better` is 'lower' (latency, memory, CPU) or 'higher' (throughput). */
export const figure = (value, unit, better) => ({ value: Number.isFinite(value) ? value : null, unit, better });

/** Writes `{ bench, date, figures }` to `file` when one was asked for; prints nothing. */
export function writeFigures(file, bench, figures) {
  if (!file) return;
  writeFileSync(file, `${JSON.stringify({ bench, date: new Date().toISOString(), figures }, null, 2)}\n`);
}
