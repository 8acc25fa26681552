import type { ChatCompletionRequest } from '@switchyard/contracts';

/** What a request's `response_format` asks of the answer, in one shape for both JSON types. */
export interface StructuredSpec {
  type: 'json_schema' | 'json_object';
  /** The schema's name from `json_schema.name`; `json_object` for plain JSON mode. */
  name: string;
  /** Absent for `json_object`, and for a `json_schema` that gives no schema. */
  schema?: Record<string, unknown>;
  strict: boolean;
}

/** JSON mode promises an object; this is the schema an answer is held to when the caller gave none. */
export const ANY_OBJECT_SCHEMA: Readonly<Record<string, unknown>> = Object.freeze({ type: 'object' });

/** The structured answer `request` asks for, or undefined when it asks for plain text. */
export function structuredSpecOf(request: ChatCompletionRequest): StructuredSpec | undefined {
  const format = request.response_format;
  if (format === undefined || format.type === 'text') return undefined;
  if (format.type === 'json_object') return { type: 'json_object', name: 'json_object', strict: false };
  const { name, schema, strict } = format.json_schema;
  return schema === undefined ? { type: 'json_schema', name, strict: strict === true } : { type: 'json_schema', name, schema, strict: strict === true };
}

/** The schema an answer must meet: the caller's, or any object when none was given. */
export function effectiveSchemaOf(spec: StructuredSpec): Record<string, unknown> {
  return spec.schema ?? ANY_OBJECT_SCHEMA;
}
