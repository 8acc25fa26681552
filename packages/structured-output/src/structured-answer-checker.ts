import { InvalidRequestError } from '@switchyard/contracts';
import type { Ajv, ValidateFunction } from 'ajv';
import { parseJsonAnswer } from './parse-json-answer';
import { effectiveSchemaOf, type StructuredSpec } from './structured-spec';
import { boundLines, describeValidationErrors } from './validation-errors';

export type StructuredCheck = { valid: true; value: unknown; text: string; repaired: boolean } | { valid: false; errors: string[]; text: string };

type Draft = 'draft-07' | '2019-09' | '2020-12';

interface Compiled {
  validate: ValidateFunction;
  /** The object Ajv compiled; Ajv keeps its own cache keyed by it, which must be emptied on eviction. */
  schema: Record<string, unknown>;
  draft: Draft;
}

/**
 * The draft a schema declares in `$schema`; draft-07 when it names none, as
 * most schemas written for OpenAI do (draft-07 Ajv also reads `$defs`). The
 * drafts differ where it matters: `items` as a list is a tuple in 07 and
 * 2019-09, refused in 2020-12, which has `prefixItems` for it.
 */
function draftOf(schema: Record<string, unknown>): Draft {
  const declared = typeof schema.$schema === 'string' ? schema.$schema : '';
  if (declared.includes('2020-12')) return '2020-12';
  if (declared.includes('2019-09')) return '2019-09';
  return 'draft-07';
}

export interface StructuredAnswerCheckerOptions {
  /** How many compiled schemas are kept; the least recently used goes first. */
  maxCachedSchemas?: number;
}

const SCHEMA_PARAM = 'response_format.json_schema.schema';

/**
 * Holds model answers to the request's schema. Compiling a schema costs far
 * more than validating with it, and the same few schemas come with request
 * after request, so compiled validators are kept by the schema's JSON text.
 */
export class StructuredAnswerChecker {
  private readonly ajvs: Partial<Record<Draft, Ajv>> = {};
  private readonly validators = new Map<string, Compiled>();
  private readonly maxCached: number;
  private compiledCount = 0;

  constructor(options: StructuredAnswerCheckerOptions = {}) {
    this.maxCached = options.maxCachedSchemas ?? 256;
  }

  /** One Ajv per draft, made when a schema first asks for it. */
  private ajvFor(draft: Draft): Ajv {
    const existing = this.ajvs[draft];
    if (existing !== undefined) return existing;
    // strict: false, because callers write schemas for OpenAI, whose extra
    // keywords (and formats Ajv does not know) it would otherwise refuse;
    // allErrors, so one re-ask can fix every problem at once; no logger,
    // since what Ajv ignores in a caller's schema is no news for our logs.
    const options = { allErrors: true, strict: false, logger: false as const };
    // Ajv is loaded with the first structured answer, not at import: some 70 modules and 9 MB
    // that a worker serving no structured requests never uses.
    const ajv =
      draft === '2020-12'
        ? new (require('ajv/dist/2020') as typeof import('ajv/dist/2020')).Ajv2020(options)
        : draft === '2019-09'
          ? new (require('ajv/dist/2019') as typeof import('ajv/dist/2019')).Ajv2019(options)
          : new (require('ajv') as typeof import('ajv')).Ajv(options);
    (require('ajv-formats') as typeof import('ajv-formats')).default(ajv);
    this.ajvs[draft] = ajv;
    return ajv;
  }

  /** Schemas compiled so far, counting each recompile after eviction. */
  get compilations(): number {
    return this.compiledCount;
  }

  /** Reads `text` as JSON (repairing it when it must) and validates it against the spec's schema. */
  check(spec: StructuredSpec, text: string): StructuredCheck {
    const validate = this.validatorFor(spec);
    const parsed = parseJsonAnswer(text);
    if (!parsed.ok) return { valid: false, errors: boundLines([parsed.error]), text };
    if (validate(parsed.value)) return { valid: true, value: parsed.value, text: parsed.text, repaired: parsed.repaired };
    return { valid: false, errors: describeValidationErrors(validate.errors ?? []), text: parsed.text };
  }

  /** Throws a 400 naming the schema param unless the spec's schema compiles; call it at admission so a bad schema is refused before it is queued. */
  assertUsableSchema(spec: StructuredSpec): void {
    this.validatorFor(spec);
  }

  private validatorFor(spec: StructuredSpec): ValidateFunction {
    const schema = effectiveSchemaOf(spec);
    const key = JSON.stringify(schema);
    const cached = this.validators.get(key);
    if (cached !== undefined) {
      // Re-inserting moves it to the end of the Map's order: the most recently used.
      this.validators.delete(key);
      this.validators.set(key, cached);
      return cached.validate;
    }
    const compiled = this.compile(schema);
    if (this.validators.size >= this.maxCached) this.evictOldest();
    this.validators.set(key, compiled);
    return compiled.validate;
  }

  private evictOldest(): void {
    const [key, oldest] = this.validators.entries().next().value as [string, Compiled];
    this.validators.delete(key);
    this.ajvFor(oldest.draft).removeSchema(oldest.schema);
  }

  private compile(schema: Record<string, unknown>): Compiled {
    // `$schema` has chosen the Ajv; left in, a draft URL an instance was not
    // set up for would be an error. A root `$id` would make a second schema
    // with the same id a conflict.
    const draft = draftOf(schema);
    const ajv = this.ajvFor(draft);
    const { $schema: _draft, $id: _id, ...body } = schema;
    try {
      const validate = ajv.compile(body);
      this.compiledCount++;
      return { validate, schema: body, draft };
    } catch (error) {
      ajv.removeSchema(body);
      const reason = (error as Error).message.slice(0, 300);
      throw new InvalidRequestError(`response_format.json_schema.schema is not a usable JSON Schema: ${reason}`, {
        param: SCHEMA_PARAM,
        cause: error,
      });
    }
  }
}

const shared = new StructuredAnswerChecker();

/** `StructuredAnswerChecker.assertUsableSchema` on a process-wide checker, for admission code that keeps none of its own. */
export function assertUsableSchema(spec: StructuredSpec, checker: StructuredAnswerChecker = shared): void {
  checker.assertUsableSchema(spec);
}
