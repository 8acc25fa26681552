import { z } from 'zod';

/** Compose files pass unset variables through as empty strings, so an empty value is an unset one. */
export const unsetIfEmpty = (value: unknown): unknown => (value === '' ? undefined : value);

/** The whole numbers an environment variable may hold; positive unless `min` says otherwise. */
export interface IntRange {
  min?: number;
  max?: number;
}

/** A whole number from the environment, `fallback` when the variable is unset or empty. */
export function intFromEnv(fallback: number, { min, max }: IntRange = {}) {
  const whole = z.coerce.number().int();
  const floored = min === undefined ? whole.positive() : whole.min(min);
  return z.preprocess(unsetIfEmpty, (max === undefined ? floored : floored.max(max)).default(fallback));
}

/** `true` or `false` from the environment, `fallback` when the variable is unset or empty. */
export function flagFromEnv(fallback: boolean) {
  const flag = z.enum(['true', 'false'], { error: 'must be true or false' });
  return z.preprocess(unsetIfEmpty, flag.default(fallback ? 'true' : 'false')).transform((value) => value === 'true');
}
