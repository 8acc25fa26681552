/**
 * How a request asks for structured output, read from each wire's own fields
 * into one shape so that every wire answers, and breaks, the same way.
 */

import { type ChatMessageLike, messageText } from './openai-wire';

export type StructuredMode = 'json_schema' | 'json_object' | 'tool_call' | 'instructions';

export interface StructuredAsk {
  mode: StructuredMode;
  /** The schema the answer must satisfy; absent for a bare JSON object ({"answer": ...}). */
  schema?: unknown;
  /** Set for a forced tool call. */
  tool?: {
    name: string;
    /**
     * OpenAI-style wires carry the arguments as a JSON string, so text breaks
     * can spoil them; Gemini and Ollama carry an object, so a text break there
     * becomes a text answer in place of the call, as from a model that did not call the tool.
     */
    argumentsAsText: boolean;
  };
}

/** The line that introduces a schema given as instructions; the rest of the message is the schema. */
export const JSON_SCHEMA_MARKER = 'JSON Schema:';
const MARKER_LINE = /(?:^|\n)[ \t]*JSON Schema:[ \t]*/;

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** A schema sent as JSON text, as TGI allows; anything else is taken as is. */
function schemaValue(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value);
  } catch {
    return undefined;
  }
}

function schemaAsk(schema: unknown): StructuredAsk {
  const value = schemaValue(schema);
  return isRecord(value) || typeof value === 'boolean' ? { mode: 'json_schema', schema: value } : { mode: 'json_object' };
}

/**
 * OpenAI Chat Completions and what speaks it: `response_format` (json_schema,
 * json_object, and the `schema`/`value` that llama-server and TGI put beside
 * its type), llama-server's top-level `json_schema`, TGI's `grammar`, vLLM's
 * `guided_json`, and a `tool_choice` that forces one function.
 */
export function openAIStructuredAsk(fields: Record<string, unknown>): StructuredAsk | undefined {
  const tool = forcedOpenAITool(fields.tools, fields.tool_choice, true);
  if (tool !== undefined) return tool;
  const format = fields.response_format;
  if (isRecord(format)) {
    if (format.type === 'json_schema') {
      return schemaAsk(isRecord(format.json_schema) ? format.json_schema.schema : undefined);
    }
    if (format.type === 'json_object' || format.type === 'json') {
      const inline = format.schema ?? format.value;
      return inline === undefined ? { mode: 'json_object' } : schemaAsk(inline);
    }
  }
  if (fields.json_schema !== undefined && fields.json_schema !== null) return schemaAsk(fields.json_schema);
  if (fields.guided_json !== undefined && fields.guided_json !== null) return schemaAsk(fields.guided_json);
  return tgiGrammarAsk(fields.grammar);
}

/** TGI's `grammar: {type: 'json', value: schema}`; regex grammars ask for no JSON. */
export function tgiGrammarAsk(grammar: unknown): StructuredAsk | undefined {
  if (!isRecord(grammar) || (grammar.type !== 'json' && grammar.type !== 'json_object')) return undefined;
  return grammar.value === undefined ? { mode: 'json_object' } : schemaAsk(grammar.value);
}

/**
 * The function an OpenAI-style `tool_choice` forces: a named one, or with
 * 'required' the first tool offered. Ollama has no tool_choice, so for it
 * a single offered tool counts as forced (`singleToolForced`).
 */
export function forcedOpenAITool(tools: unknown, toolChoice: unknown, argumentsAsText: boolean, singleToolForced = false): StructuredAsk | undefined {
  if (!Array.isArray(tools) || tools.length === 0) return undefined;
  const functions = tools.map((tool) => (isRecord(tool) && isRecord(tool.function) ? tool.function : {}));
  let chosen: Record<string, unknown> | undefined;
  if (isRecord(toolChoice) && isRecord(toolChoice.function) && typeof toolChoice.function.name === 'string') {
    const name = toolChoice.function.name;
    chosen = functions.find((fn) => fn.name === name) ?? { name };
  } else if (toolChoice === 'required' || (singleToolForced && toolChoice === undefined && functions.length === 1)) {
    chosen = functions[0];
  }
  if (chosen === undefined || typeof chosen.name !== 'string') return undefined;
  return { mode: 'tool_call', schema: chosen.parameters ?? { type: 'object' }, tool: { name: chosen.name, argumentsAsText } };
}

/**
 * Gemini's `generationConfig` (responseJsonSchema, the OpenAPI-style
 * responseSchema, or just responseMimeType application/json) and a
 * `toolConfig.functionCallingConfig` in mode ANY.
 */
export function geminiStructuredAsk(body: Record<string, unknown>, config: Record<string, unknown> | undefined): StructuredAsk | undefined {
  const tool = forcedGeminiFunction(body);
  if (tool !== undefined) return tool;
  if (config === undefined) return undefined;
  const schema = config.responseJsonSchema ?? config.response_json_schema ?? config.responseSchema ?? config.response_schema;
  if (schema !== undefined && schema !== null) return schemaAsk(schema);
  const mime = config.responseMimeType ?? config.response_mime_type;
  return mime === 'application/json' ? { mode: 'json_object' } : undefined;
}

function forcedGeminiFunction(body: Record<string, unknown>): StructuredAsk | undefined {
  const toolConfig = body.toolConfig ?? body.tool_config;
  if (!isRecord(toolConfig)) return undefined;
  const calling = toolConfig.functionCallingConfig ?? toolConfig.function_calling_config;
  if (!isRecord(calling) || calling.mode !== 'ANY') return undefined;
  const declarations: Record<string, unknown>[] = [];
  if (Array.isArray(body.tools)) {
    for (const tool of body.tools) {
      const list = isRecord(tool) ? (tool.functionDeclarations ?? tool.function_declarations) : undefined;
      if (Array.isArray(list)) for (const declaration of list) if (isRecord(declaration)) declarations.push(declaration);
    }
  }
  const allowed = calling.allowedFunctionNames ?? calling.allowed_function_names;
  const name = Array.isArray(allowed) && typeof allowed[0] === 'string' ? allowed[0] : declarations[0]?.name;
  if (typeof name !== 'string') return undefined;
  const declaration = declarations.find((d) => d.name === name);
  const schema = declaration?.parametersJsonSchema ?? declaration?.parameters_json_schema ?? declaration?.parameters ?? { type: 'object' };
  return { mode: 'tool_call', schema, tool: { name, argumentsAsText: false } };
}

/** Ollama's `format` ('json' or a schema) and its tools. */
export function ollamaStructuredAsk(fields: Record<string, unknown>): StructuredAsk | undefined {
  const tool = forcedOpenAITool(fields.tools, fields.tool_choice, false, true);
  if (tool !== undefined) return tool;
  if (fields.format === 'json') return { mode: 'json_object' };
  return isRecord(fields.format) ? schemaAsk(fields.format) : undefined;
}

/**
 * A schema given as instructions: a system (or developer) message with a
 * `JSON Schema:` line, followed by the schema as JSON text. Text that does not
 * parse as a schema still asks for a JSON object.
 */
export function instructionsAsk(messages: readonly ChatMessageLike[]): StructuredAsk | undefined {
  for (const message of messages) {
    if (message.role !== 'system' && message.role !== 'developer') continue;
    const text = messageText(message.content);
    if (!text.includes(JSON_SCHEMA_MARKER)) continue;
    const marker = MARKER_LINE.exec(text);
    if (marker === null) continue;
    const rest = text.slice(marker.index + marker[0].length);
    const schema = schemaValue(rest.trim()) ?? schemaValue(rest.slice(rest.indexOf('{'), rest.lastIndexOf('}') + 1));
    return isRecord(schema) ? { mode: 'instructions', schema } : { mode: 'instructions' };
  }
  return undefined;
}
