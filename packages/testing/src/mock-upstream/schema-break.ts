/**
 * The ways the `schema_break` directive spoils a structured answer, one per
 * repair path a gateway needs: a value that parses but does not validate
 * (`wrong_type`, `missing_field`), or text that is not bare JSON.
 */

import { resolveRootSchema } from './schema-sample';

export const SCHEMA_BREAKS = ['wrong_type', 'missing_field', 'trailing_prose', 'truncated', 'not_json', 'code_fence'] as const;
export type SchemaBreak = (typeof SCHEMA_BREAKS)[number];

export const TRAILING_PROSE = '\n\nHope this helps!';
export const NOT_JSON_PROSE = 'Sure! I looked into it, and the short answer is that it depends on the details you gave.';
/** The share of the JSON text that `truncated` keeps. */
const TRUNCATED_SHARE = 0.6;

export function isSchemaBreak(value: string): value is SchemaBreak {
  return (SCHEMA_BREAKS as readonly string[]).includes(value);
}

/** Breaks that still yield one JSON value, as opposed to ones that spoil the text. */
export function breaksValue(mode: SchemaBreak): mode is 'wrong_type' | 'missing_field' {
  return mode === 'wrong_type' || mode === 'missing_field';
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** A value of another JSON type than `value`. */
function wrongTypeOf(value: unknown): unknown {
  if (typeof value === 'string') return 12345;
  if (typeof value === 'number') return 'not a number';
  if (typeof value === 'boolean') return 'yes';
  if (value === null) return 0;
  return 'not an object';
}

/**
 * `wrong_type`: the first property (or first item) gets a value of another type.
 * `missing_field`: the first required property is dropped, or the first
 * property when the schema requires none.
 */
export function breakValue(value: unknown, schema: unknown, mode: 'wrong_type' | 'missing_field'): unknown {
  if (mode === 'wrong_type') {
    if (isRecord(value)) {
      const first = Object.keys(value)[0];
      return first === undefined ? { unexpected: 12345 } : { ...value, [first]: wrongTypeOf(value[first]) };
    }
    if (Array.isArray(value) && value.length > 0) return [wrongTypeOf(value[0]), ...value.slice(1)];
    return wrongTypeOf(value);
  }
  if (!isRecord(value)) return value;
  const root = schema === undefined ? {} : resolveRootSchema(schema);
  const required = Array.isArray(root.required) ? root.required.find((name): name is string => typeof name === 'string' && name in value) : undefined;
  const drop = required ?? Object.keys(value)[0];
  if (drop === undefined) return value;
  const { [drop]: _dropped, ...rest } = value;
  return rest;
}

/** The text forms of breaking: what a chatty or cut-off model sends instead of bare JSON. */
export function breakText(json: string, mode: Exclude<SchemaBreak, 'wrong_type' | 'missing_field'>): string {
  switch (mode) {
    case 'trailing_prose':
      return json + TRAILING_PROSE;
    case 'code_fence':
      return `\`\`\`json\n${json}\n\`\`\``;
    case 'not_json':
      return NOT_JSON_PROSE;
    case 'truncated':
      return truncate(json);
  }
}

// A proper prefix of an object, array, string or literal never parses; only a
// bare number at the root survives the cut, and no schema worth repairing is one.
function truncate(json: string): string {
  return json.slice(0, Math.max(1, Math.floor(json.length * TRUNCATED_SHARE)));
}
