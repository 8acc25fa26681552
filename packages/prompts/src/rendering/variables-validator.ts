import { InvalidRequestError, PromptVariableError } from '@switchyard/contracts';
import type { Ajv, ErrorObject, ValidateFunction } from 'ajv';

// useDefaults: a variable the caller left out takes the schema's `default`, so a template may use an optional variable.
let ajv: Ajv | undefined;

/** Made with the first prompt schema compiled, not at import: Ajv is some 70 modules and 9 MB a process may never need. */
function ajvInstance(): Ajv {
  ajv ??= new (require('ajv') as typeof import('ajv')).Ajv({ allErrors: false, strict: false, useDefaults: true });
  return ajv;
}

/** Compiling is the slow part of Ajv; versions are immutable, so one compile per distinct schema lasts. */
const compiled = new Map<string, ValidateFunction>();
const MAX_COMPILED = 500;

function compile(schema: Record<string, unknown>): ValidateFunction {
  const key = JSON.stringify(schema);
  const cached = compiled.get(key);
  if (cached !== undefined) return cached;
  const validate = ajvInstance().compile(schema);
  // Oldest first out: a Map iterates in insertion order.
  if (compiled.size >= MAX_COMPILED) compiled.delete(compiled.keys().next().value as string);
  compiled.set(key, validate);
  return validate;
}

/** Throws a 400 on `variables` unless the schema is one Ajv can compile. Run when a version is saved. */
export function checkVariablesSchema(schema: Record<string, unknown>): void {
  try {
    compile(schema);
  } catch (error) {
    throw new InvalidRequestError(`variables is not a valid JSON Schema: ${(error as Error).message}`, { param: 'variables', cause: error });
  }
}

/**
 * Checks given variables against the version's schema: every given name must
 * be declared under `properties`, and the values must validate. The first
 * problem becomes an error naming the variable. Answers the variables with
 * the schema's defaults filled in (a copy: the caller's object is left as it was).
 */
export function validateVariables(schema: Record<string, unknown>, given: Record<string, unknown>): Record<string, unknown> {
  const variables = structuredClone(given);
  const declared = isRecord(schema.properties) ? schema.properties : {};
  for (const name of Object.keys(variables)) {
    if (!Object.hasOwn(declared, name)) {
      throw new PromptVariableError(name, 'undeclared', `The variable '${name}' is not declared by this prompt version.`);
    }
  }
  const validate = compile(schema);
  if (validate(variables)) return variables;
  const [first] = validate.errors ?? [];
  if (first === undefined) throw new InvalidRequestError('The prompt variables do not match the declared schema.', { param: 'prompt.variables' });
  throw toVariableError(first);
}

function toVariableError(error: ErrorObject): PromptVariableError {
  const path = error.instancePath.split('/').slice(1).map(unescapePointer);
  if (error.keyword === 'required') {
    const name = [...path, String(error.params.missingProperty)].join('.');
    return new PromptVariableError(name, 'missing', `The variable '${name}' is required by this prompt version and was not given.`);
  }
  const name = path.join('.') || '(root)';
  return new PromptVariableError(name, 'invalid', `The variable '${name}' ${error.message ?? 'does not match the declared schema'}.`);
}

const unescapePointer = (segment: string) => segment.replaceAll('~1', '/').replaceAll('~0', '~');

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
