import type { GoldenCheck } from '../core/task-definition';

/**
 * The values a path reaches in `root`: dotted names, `[n]` for an item and
 * `[*]` for every item (`output.citations[*].document_id`).
 */
export function valuesAt(root: unknown, path: string): unknown[] {
  const steps = path.match(/[^.[\]]+|\[\*\]|\[\d+\]/g) ?? [];
  let values: unknown[] = [root];
  for (const step of steps) {
    const next: unknown[] = [];
    for (const value of values) {
      if (step === '[*]') {
        if (Array.isArray(value)) next.push(...value);
      } else if (step.startsWith('[')) {
        if (Array.isArray(value) && Number(step.slice(1, -1)) < value.length) next.push(value[Number(step.slice(1, -1))]);
      } else if (typeof value === 'object' && value !== null && !Array.isArray(value) && Object.hasOwn(value, step)) {
        next.push((value as Record<string, unknown>)[step]);
      }
    }
    values = next;
  }
  return values;
}

function typeOf(value: unknown): string {
  if (Array.isArray(value)) return 'array';
  if (value === null) return 'null';
  return typeof value;
}

/** What fails of one check (empty when it holds). */
function failures(check: GoldenCheck, root: { input: unknown; output: unknown }): string[] {
  const values = valuesAt(root, check.path);
  if (check.absent === true) return values.length === 0 ? [] : [`${check.path} should be absent`];
  if (values.length === 0) return [`${check.path} reaches nothing`];
  const out: string[] = [];
  const say = (what: string) => out.push(`${check.path} ${what}`);
  for (const value of values) {
    if (check.type !== undefined) {
      const actual = typeOf(value);
      const ok = check.type === 'integer' ? Number.isInteger(value) : actual === check.type;
      if (!ok) say(`is ${actual}, not ${check.type}`);
    }
    if (check.nonEmpty === true && (value === '' || (Array.isArray(value) && value.length === 0) || value === null)) say('is empty');
    if (check.minItems !== undefined && (!Array.isArray(value) || value.length < check.minItems)) say(`has fewer than ${check.minItems} items`);
    if (check.equals !== undefined && JSON.stringify(value) !== JSON.stringify(check.equals))
      say(`is ${JSON.stringify(value)}, not ${JSON.stringify(check.equals)}`);
    if (check.oneOf !== undefined && !check.oneOf.some((allowed) => JSON.stringify(allowed) === JSON.stringify(value)))
      say(`is ${JSON.stringify(value)}, not one of ${JSON.stringify(check.oneOf)}`);
    if (check.contains !== undefined && !(typeof value === 'string' && value.includes(check.contains))) say(`lacks ${JSON.stringify(check.contains)}`);
    if (check.notContains !== undefined && typeof value === 'string' && value.includes(check.notContains))
      say(`still holds ${JSON.stringify(check.notContains)}`);
  }
  if (check.within !== undefined) {
    const allowed = valuesAt(root, check.within).map((v) => JSON.stringify(v));
    for (const value of values) if (!allowed.includes(JSON.stringify(value))) say(`holds ${JSON.stringify(value)}, not among ${check.within}`);
  }
  if (check.includes !== undefined && !values.some((value) => JSON.stringify(value) === JSON.stringify(check.includes))) {
    say(`does not include ${JSON.stringify(check.includes)}`);
  }
  return out;
}

/** Every failed check of a golden case on a task's answer; empty when the answer passes. */
export function runGoldenChecks(checks: readonly GoldenCheck[], input: unknown, output: unknown): string[] {
  return checks.flatMap((check) => failures(check, { input, output }));
}
