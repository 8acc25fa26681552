import type { ErrorObject } from 'ajv';

/** At most this many lines reach a re-ask prompt or an error message: enough to fix, not enough to flood. */
export const MAX_ERROR_LINES = 10;
export const MAX_ERROR_LINE_LENGTH = 200;

/** Ajv's errors as lines a person (or a model) can act on, e.g. `/items/0/price must be number`. */
export function describeValidationErrors(errors: readonly ErrorObject[]): string[] {
  return boundLines(errors.map(describeOne));
}

/** Keeps the first lines, each cut to length; the last line says how many were left out. */
export function boundLines(lines: readonly string[]): string[] {
  const unique = [...new Set(lines)].map((line) => (line.length > MAX_ERROR_LINE_LENGTH ? `${line.slice(0, MAX_ERROR_LINE_LENGTH - 1)}…` : line));
  if (unique.length <= MAX_ERROR_LINES) return unique;
  const kept = unique.slice(0, MAX_ERROR_LINES - 1);
  return [...kept, `…and ${unique.length - kept.length} more problems`];
}

function describeOne(error: ErrorObject): string {
  const where = error.instancePath === '' ? '/' : error.instancePath;
  const message = error.message ?? `fails the "${error.keyword}" rule`;
  return `${where} ${message}${detailOf(error)}`;
}

// Ajv's messages leave out the names that make some of them actionable.
function detailOf(error: ErrorObject): string {
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'additionalProperties':
      return `: '${String(params.additionalProperty)}'`;
    case 'enum':
      return `: ${JSON.stringify(params.allowedValues)}`;
    case 'const':
      return `: ${JSON.stringify(params.allowedValue)}`;
    default:
      return '';
  }
}
