import type { ChatCompletionRequest } from '@switchyard/contracts';

type Tool = NonNullable<ChatCompletionRequest['tools']>[number];

/**
 * Nesting past this is written `any`: tool schemas come from callers, and a
 * deeply nested one must not cost a deep recursion.
 */
const MAX_DEPTH = 8;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function typeOf(schema: unknown, indent: number, depth: number): string {
  if (!isRecord(schema)) return 'any';
  const values = Array.isArray(schema.enum) ? schema.enum : undefined;
  switch (schema.type) {
    case 'string':
      return values?.map((value) => JSON.stringify(value)).join(' | ') ?? 'string';
    case 'integer':
    case 'number':
      return values?.map((value) => String(value)).join(' | ') ?? 'number';
    case 'boolean':
    case 'null':
      return schema.type;
    case 'array':
      return schema.items === undefined || depth >= MAX_DEPTH ? 'any[]' : `${typeOf(schema.items, indent, depth + 1)}[]`;
    case 'object':
      if (depth >= MAX_DEPTH) return 'any';
      return `{\n${properties(schema, indent + 2, depth + 1)}\n${' '.repeat(indent)}}`;
    default:
      return 'any';
  }
}

function properties(schema: Record<string, unknown>, indent: number, depth: number): string {
  if (!isRecord(schema.properties)) return '';
  const required = new Set(Array.isArray(schema.required) ? schema.required : []);
  const pad = ' '.repeat(indent);
  const lines: string[] = [];
  for (const [name, property] of Object.entries(schema.properties)) {
    if (isRecord(property) && typeof property.description === 'string' && property.description !== '' && indent < 2) {
      lines.push(`${pad}// ${property.description}`);
    }
    lines.push(`${pad}${name}${required.has(name) ? '' : '?'}: ${typeOf(property, indent, depth)},`);
  }
  return lines.join('\n');
}

/**
 * Tool definitions as OpenAI puts them in the prompt: a TypeScript-like
 * `namespace functions`, as reverse-engineered by openai-chat-tokens and
 * kept by gpt-tokenizer (whose own helper expects well-formed schemas; this
 * one takes whatever a caller sent).
 */
export function formatToolDefinitions(tools: readonly Tool[]): string {
  const lines = ['namespace functions {', ''];
  for (const { function: fn } of tools) {
    if (fn.description) lines.push(`// ${fn.description}`);
    const parameters = fn.parameters;
    if (parameters === undefined || !isRecord(parameters.properties) || Object.keys(parameters.properties).length === 0) {
      lines.push(`type ${fn.name} = () => any;`);
    } else {
      lines.push(`type ${fn.name} = (_: {`);
      const body = properties(parameters, 0, 1);
      if (body.length > 0) lines.push(body);
      lines.push('}) => any;');
    }
    lines.push('');
  }
  lines.push('} // namespace functions');
  return lines.join('\n');
}
