import { z } from 'zod';

/**
 * How deep a free-form JSON value (a tool's parameters, a response schema)
 * may nest. Real JSON schemas stay far below it; deeper values would overflow
 * the recursive serialisers and converters they pass through later.
 */
export const MAX_JSON_DEPTH = 64;

/** Whether `value` nests deeper than `limit` levels; iterative, so no depth can overflow the stack. */
export function nestsDeeperThan(value: unknown, limit: number): boolean {
  const pending: [unknown, number][] = [[value, 1]];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const [current, depth] = next;
    if (typeof current !== 'object' || current === null) continue;
    if (depth > limit) return true;
    for (const child of Array.isArray(current) ? current : Object.values(current)) {
      if (typeof child === 'object' && child !== null) pending.push([child, depth + 1]);
    }
  }
  return false;
}

/** A JSON object of any shape, nested at most `MAX_JSON_DEPTH` levels. */
export const boundedJsonObjectSchema = z.record(z.string(), z.unknown()).refine((value) => !nestsDeeperThan(value, MAX_JSON_DEPTH), {
  message: `nested more than ${MAX_JSON_DEPTH} levels deep.`,
  abort: true,
});
