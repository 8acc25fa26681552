import type { ChatCompletionRequest } from '@switchyard/contracts';

/** TGI's grammar: a JSON Schema its guided decoding compiles (`type: 'json'`; later builds also accept the alias `json_object`). */
export interface TgiJsonGrammar {
  type: 'json';
  value: Record<string, unknown>;
}

/**
 * `response_format` as TGI's grammar, which both its Messages API
 * (`response_format`) and `/generate` (`parameters.grammar`) take. TGI has no
 * schema-less JSON mode, so JSON mode is the schema of any object.
 */
export function tgiGrammarOf(format: ChatCompletionRequest['response_format']): TgiJsonGrammar | undefined {
  if (format === undefined || format.type === 'text') return undefined;
  const schema = format.type === 'json_schema' ? format.json_schema.schema : undefined;
  return { type: 'json', value: schema ?? { type: 'object' } };
}
