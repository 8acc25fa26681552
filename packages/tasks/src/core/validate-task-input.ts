import { InvalidRequestError } from '@switchyard/contracts';
import type { Ajv, ErrorObject, ValidateFunction } from 'ajv';
import type { JsonSchema } from './task-definition';

// useDefaults: an option left out takes its schema's `default`, so prompts and steps see one value for it.
let ajv: Ajv | undefined;

/** Made with the first task schema compiled, not at import: Ajv is some 70 modules and 9 MB a process may never need. */
function ajvInstance(): Ajv {
  ajv ??= new (require('ajv') as typeof import('ajv')).Ajv({ allErrors: false, strict: false, useDefaults: true });
  return ajv;
}
const compiled = new WeakMap<JsonSchema, ValidateFunction>();

/**
 * The input checked against a task's input schema, with defaults filled in
 * (a copy: the caller's object is left as it was). The first problem is a
 * 400 whose `param` is `input.<field>` (`input.documents[1].id`).
 */
export function validateTaskInput<I>(schema: JsonSchema, input: unknown): I {
  let validate = compiled.get(schema);
  if (validate === undefined) {
    validate = ajvInstance().compile(schema);
    compiled.set(schema, validate);
  }
  const copy = structuredClone(input);
  if (validate(copy)) return copy as I;
  const [first] = validate.errors ?? [];
  throw inputError(first);
}

/** `input.a.b[2].c` from a JSON Pointer's segments. */
export function inputParam(segments: readonly (string | number)[]): string {
  let param = 'input';
  for (const segment of segments) param += typeof segment === 'number' || /^\d+$/.test(segment) ? `[${segment}]` : `.${segment}`;
  return param;
}

function inputError(error: ErrorObject | undefined): InvalidRequestError {
  if (error === undefined) return new InvalidRequestError('The input does not match the task’s input schema.', { param: 'input' });
  const path = error.instancePath.split('/').slice(1).map(unescapePointer);
  if (error.keyword === 'required') {
    const param = inputParam([...path, String(error.params.missingProperty)]);
    return new InvalidRequestError(`Missing required field '${param}'.`, { param });
  }
  if (error.keyword === 'additionalProperties') {
    const param = inputParam([...path, String(error.params.additionalProperty)]);
    return new InvalidRequestError(`Unknown field '${param}': this task does not take it.`, { param });
  }
  const param = inputParam(path);
  const allowed = error.keyword === 'enum' ? `: one of ${(error.params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}` : '';
  return new InvalidRequestError(`Invalid value for '${param}': ${error.message ?? 'does not match the input schema'}${allowed}.`, { param });
}

const unescapePointer = (segment: string) => segment.replaceAll('~1', '/').replaceAll('~0', '~');
