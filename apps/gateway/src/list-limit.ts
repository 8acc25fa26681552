import { InvalidRequestError } from '@switchyard/contracts';

/** A listing's `limit` query parameter: a whole number from 1 to `max`, `fallback` when absent. */
export function listLimit(value: unknown, fallback: number, max: number): number {
  const limit = value === undefined ? fallback : Number(value);
  if (!Number.isInteger(limit) || limit < 1 || limit > max) throw new InvalidRequestError(`limit must be a whole number from 1 to ${max}.`, { param: 'limit' });
  return limit;
}
