import type { ChatCompletionRequest } from '@switchyard/contracts';
import { describe, expect, it } from 'vitest';
import { prepareStructuredRequest, SCHEMA_MARKER, toolNameOf } from './prepare-structured-request';
import { type StructuredSpec, structuredSpecOf } from './structured-spec';

const schema = { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] };

const request: ChatCompletionRequest = {
  model: 'fast',
  messages: [
    { role: 'system', content: 'You plan trips.' },
    { role: 'user', content: 'Where should I go?' },
  ],
  response_format: { type: 'json_schema', json_schema: { name: 'trip', schema, strict: true } },
  tools: [{ type: 'function', function: { name: 'lookup', parameters: { type: 'object' } } }],
  parallel_tool_calls: true,
  temperature: 0.3,
};

const spec = structuredSpecOf(request) as StructuredSpec;

describe('structuredSpecOf', () => {
  it('reads a json_schema format', () => {
    expect(spec).toEqual({ type: 'json_schema', name: 'trip', schema, strict: true });
  });

  it('reads JSON mode', () => {
    expect(structuredSpecOf({ ...request, response_format: { type: 'json_object' } })).toEqual({ type: 'json_object', name: 'json_object', strict: false });
  });

  it('reads a json_schema without a schema or strict flag', () => {
    expect(structuredSpecOf({ ...request, response_format: { type: 'json_schema', json_schema: { name: 'free', strict: null } } })).toEqual({
      type: 'json_schema',
      name: 'free',
      strict: false,
    });
  });

  it('is undefined for text and for no format', () => {
    expect(structuredSpecOf({ ...request, response_format: { type: 'text' } })).toBeUndefined();
    const { response_format: _format, ...plain } = request;
    expect(structuredSpecOf(plain)).toBeUndefined();
  });
});

describe('prepareStructuredRequest', () => {
  it('leaves a native request as it is', () => {
    expect(prepareStructuredRequest(request, spec, 'native')).toBe(request);
  });

  it('forces one function tool whose parameters are the schema in tool mode', () => {
    const prepared = prepareStructuredRequest(request, spec, 'tool');
    expect(prepared.response_format).toBeUndefined();
    expect(prepared.parallel_tool_calls).toBeUndefined();
    expect(prepared.tools).toEqual([{ type: 'function', function: { name: 'trip', description: expect.any(String), parameters: schema } }]);
    expect(prepared.tool_choice).toEqual({ type: 'function', function: { name: 'trip' } });
    expect(prepared.messages).toEqual(request.messages);
    expect(prepared.temperature).toBe(0.3);
  });

  it('forces an object-typed tool for JSON mode', () => {
    const jsonMode = structuredSpecOf({ ...request, response_format: { type: 'json_object' } }) as StructuredSpec;
    const prepared = prepareStructuredRequest(request, jsonMode, 'tool');
    expect(prepared.tools?.[0]?.function).toMatchObject({ name: 'json_object', parameters: { type: 'object' } });
  });

  it('appends a system message ending with the marker line and the schema in instructions mode', () => {
    const prepared = prepareStructuredRequest(request, spec, 'instructions');
    expect(prepared.response_format).toBeUndefined();
    expect(prepared.tools).toEqual(request.tools);
    expect(prepared.messages.slice(0, 2)).toEqual(request.messages);
    const added = prepared.messages[2];
    expect(added?.role).toBe('system');
    const content = String(added?.content);
    const markerLine = content.split('\n').indexOf(SCHEMA_MARKER);
    expect(markerLine).toBeGreaterThan(0);
    expect(
      JSON.parse(
        content
          .split('\n')
          .slice(markerLine + 1)
          .join('\n'),
      ),
    ).toEqual(schema);
    expect(content).toMatch(/JSON/);
  });

  it('writes {"type":"object"} as the schema of JSON mode', () => {
    const jsonMode = structuredSpecOf({ ...request, response_format: { type: 'json_object' } }) as StructuredSpec;
    const content = String(prepareStructuredRequest(request, jsonMode, 'instructions').messages.at(-1)?.content);
    expect(content.endsWith(`${SCHEMA_MARKER}\n{"type":"object"}`)).toBe(true);
  });

  it('does not change the request it was given', () => {
    const before = structuredClone(request);
    prepareStructuredRequest(request, spec, 'tool');
    prepareStructuredRequest(request, spec, 'instructions');
    expect(request).toEqual(before);
  });
});

describe('toolNameOf', () => {
  it('makes a name providers accept', () => {
    expect(toolNameOf({ ...spec, name: 'trip plan.v2' })).toBe('trip_plan_v2');
    expect(toolNameOf({ ...spec, name: 'x'.repeat(80) })).toHaveLength(64);
  });
});
