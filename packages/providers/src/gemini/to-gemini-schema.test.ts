import { describe, expect, it } from 'vitest';
import { toGeminiSchema } from './to-gemini-schema';

describe('toGeminiSchema', () => {
  it('inlines local references and drops what the subset lacks', () => {
    expect(
      toGeminiSchema({
        $schema: 'http://json-schema.org/draft-07/schema#',
        title: 'Order',
        type: 'object',
        additionalProperties: false,
        properties: {
          id: { type: 'string', format: 'uuid', title: 'Id' },
          at: { type: 'string', format: 'date-time' },
          lines: { type: 'array', minItems: 1, maxItems: 5, items: { $ref: '#/definitions/line' } },
          kind: { const: 'order' },
          rush: { type: 'boolean', default: false },
        },
        required: ['id', 'lines', 'missing'],
        definitions: {
          line: {
            type: 'object',
            properties: { sku: { type: 'string', minLength: 2, pattern: '^[A-Z]+$' }, qty: { type: 'integer', minimum: 1, multipleOf: 1, format: 'int32' } },
            required: ['sku'],
          },
        },
      }),
    ).toStrictEqual({
      type: 'OBJECT',
      properties: {
        id: { type: 'STRING' },
        at: { type: 'STRING', format: 'date-time' },
        lines: {
          type: 'ARRAY',
          items: {
            type: 'OBJECT',
            properties: { sku: { type: 'STRING', minLength: '2', pattern: '^[A-Z]+$' }, qty: { type: 'INTEGER', format: 'int32', minimum: 1 } },
            propertyOrdering: ['sku', 'qty'],
            required: ['sku'],
          },
          minItems: '1',
          maxItems: '5',
        },
        kind: { type: 'STRING', enum: ['order'] },
        rush: { type: 'BOOLEAN' },
      },
      propertyOrdering: ['id', 'at', 'lines', 'kind', 'rush'],
      required: ['id', 'lines'],
    });
  });

  it('turns null among types or alternatives into nullable', () => {
    expect(
      toGeminiSchema({
        type: 'object',
        properties: {
          a: { type: ['integer', 'null'] },
          b: { anyOf: [{ type: 'null' }, { type: 'array', items: { type: 'number' } }] },
          c: { oneOf: [{ type: 'string' }, { type: 'number' }], description: 'either' },
          d: { enum: ['x', 'y', null] },
          e: { type: ['string', 'number'] },
        },
      }),
    ).toStrictEqual({
      type: 'OBJECT',
      properties: {
        a: { type: 'INTEGER', nullable: true },
        b: { type: 'ARRAY', items: { type: 'NUMBER' }, nullable: true },
        c: { description: 'either', anyOf: [{ type: 'STRING' }, { type: 'NUMBER' }] },
        d: { type: 'STRING', enum: ['x', 'y'], nullable: true },
        e: { anyOf: [{ type: 'STRING' }, { type: 'NUMBER' }] },
      },
      propertyOrdering: ['a', 'b', 'c', 'd', 'e'],
    });
  });

  it('keeps a numeric enum out, leaving it to validation', () => {
    expect(toGeminiSchema({ type: 'object', properties: { n: { type: 'integer', enum: [1, 2] } } })).toStrictEqual({
      type: 'OBJECT',
      properties: { n: { type: 'INTEGER' } },
      propertyOrdering: ['n'],
    });
  });

  it('gives up on a schema that inlining would multiply past its bound', () => {
    const $defs: Record<string, unknown> = { d0: { type: 'string' } };
    for (let i = 1; i <= 14; i++) $defs[`d${i}`] = { type: 'object', properties: { a: { $ref: `#/$defs/d${i - 1}` }, b: { $ref: `#/$defs/d${i - 1}` } } };
    expect(toGeminiSchema({ $ref: '#/$defs/d14', $defs })).toBeUndefined();
    expect(toGeminiSchema({ $ref: '#/$defs/d3', $defs })).toMatchObject({ type: 'OBJECT', properties: { a: { type: 'OBJECT' }, b: { type: 'OBJECT' } } });
  });

  it.each([
    ['a recursive schema', { type: 'object', properties: { child: { $ref: '#' } } }],
    ['a free-form object', { type: 'object', properties: { meta: { type: 'object', additionalProperties: { type: 'string' } } } }],
    ['a tuple', { type: 'object', properties: { pair: { type: 'array', prefixItems: [{ type: 'string' }, { type: 'number' }] } } }],
    ['a reference to another document', { type: 'object', properties: { a: { $ref: 'https://example.com/a.json' } } }],
    ['a property that accepts anything', { type: 'object', properties: { a: {} } }],
    ['an object with no properties at all', { type: 'object' }],
  ])('gives up on %s, whose shape the subset cannot say', (_case, schema) => {
    expect(toGeminiSchema(schema)).toBeUndefined();
  });
});
