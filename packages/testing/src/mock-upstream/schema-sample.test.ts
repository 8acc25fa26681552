import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { resolveRootSchema, sampleFromSchema } from './schema-sample';

const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);

function expectValid(schema: Record<string, unknown>, value: unknown): void {
  const validate = ajv.compile(schema);
  expect(validate(value), JSON.stringify(validate.errors)).toBe(true);
}

/** Gemini's OpenAPI subset with its types lower-cased, which is what Ajv reads. */
function lowerTypes(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(lowerTypes);
  if (schema === null || typeof schema !== 'object') return schema;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema)) out[key] = key === 'type' && typeof value === 'string' ? value.toLowerCase() : lowerTypes(value);
  return out;
}

describe('sampleFromSchema', () => {
  it('fills every property, required or not, and puts the seed in the first free-text string', () => {
    const schema = {
      type: 'object',
      properties: {
        status: { type: 'string', enum: ['open', 'closed'] },
        title: { type: 'string' },
        summary: { type: 'string' },
        count: { type: 'integer', minimum: 3, maximum: 9 },
        score: { type: 'number', exclusiveMinimum: 0, maximum: 1 },
        done: { type: 'boolean' },
        nothing: { type: 'null' },
      },
      required: ['title'],
      additionalProperties: false,
    };
    const value = sampleFromSchema(schema, 'weather in Lisbon');
    expect(value).toEqual({ status: 'open', title: 'weather in Lisbon', summary: 'sample', count: 3, score: 0.5, done: true, nothing: null });
    expectValid(schema, value);
  });

  it('honours formats, lengths and const', () => {
    const schema = {
      type: 'object',
      properties: {
        at: { type: 'string', format: 'date-time' },
        mail: { type: 'string', format: 'email' },
        link: { type: 'string', format: 'uri' },
        id: { type: 'string', format: 'uuid' },
        code: { type: 'string', minLength: 12 },
        short: { type: 'string', maxLength: 3 },
        kind: { const: 'fixed' },
      },
    };
    const value = sampleFromSchema(schema, 'seed') as Record<string, string>;
    expect(value.code).toBe('seedxxxxxxxx');
    expect(value.short).toBe('sam');
    expect(value.kind).toBe('fixed');
    expectValid(schema, value);
  });

  it('follows local $refs, takes the non-null branch of anyOf and the first of oneOf, and merges allOf', () => {
    const schema = {
      $defs: {
        address: { type: 'object', properties: { street: { type: 'string' }, zip: { type: ['string', 'null'], pattern: '^.*$' } }, required: ['street'] },
      },
      type: 'object',
      properties: {
        home: { $ref: '#/$defs/address' },
        maybe: { anyOf: [{ type: 'null' }, { type: 'integer', minimum: 10 }] },
        either: { oneOf: [{ type: 'boolean' }, { type: 'string' }] },
        both: {
          allOf: [
            { type: 'object', properties: { a: { type: 'string' } } },
            { properties: { b: { type: 'integer' } }, required: ['b'] },
          ],
        },
      },
    };
    const value = sampleFromSchema(schema, 'main street');
    expect(value).toEqual({ home: { street: 'main street', zip: 'sample' }, maybe: 10, either: true, both: { a: 'sample', b: 1 } });
    expectValid(schema, value);
  });

  it('reads draft-07 definitions and bounds arrays by minItems and maxItems with distinct items', () => {
    const schema = {
      definitions: { tag: { type: 'string' } },
      type: 'object',
      properties: {
        tags: { type: 'array', items: { $ref: '#/definitions/tag' }, minItems: 3, uniqueItems: true },
        one: { type: 'array', items: { type: 'integer' } },
        none: { type: 'array', items: { type: 'string' }, maxItems: 0 },
      },
    };
    const value = sampleFromSchema(schema, 'x') as { tags: string[]; one: number[]; none: unknown[] };
    expect(value.tags).toEqual(['x', 'sample 2', 'sample 3']);
    expect(value.one).toEqual([1]);
    expect(value.none).toEqual([]);
    expectValid(schema, value);
  });

  it('ends recursive schemas', () => {
    const schema = {
      $defs: {
        node: { type: 'object', properties: { name: { type: 'string' }, children: { type: 'array', items: { $ref: '#/$defs/node' } } }, required: ['name'] },
      },
      $ref: '#/$defs/node',
    };
    const value = sampleFromSchema(schema, 'root');
    expect(JSON.stringify(value).length).toBeLessThan(5000);
    expectValid(schema, value);
  });

  it('gives up on a schema that requires itself without end instead of overflowing', () => {
    const schema = { $defs: { node: { type: 'object', properties: { next: { $ref: '#/$defs/node' } }, required: ['next'] } }, $ref: '#/$defs/node' };
    expect(JSON.stringify(sampleFromSchema(schema, 'x'))).toMatch(/null\}+$/);
  });

  it("reads Gemini's OpenAPI subset with upper-case types and propertyOrdering", () => {
    const schema = {
      type: 'OBJECT',
      properties: {
        recipe: { type: 'STRING' },
        minutes: { type: 'INTEGER', minimum: 5 },
        steps: { type: 'ARRAY', items: { type: 'STRING' } },
        vegan: { type: 'BOOLEAN', nullable: true },
      },
      propertyOrdering: ['minutes', 'recipe'],
    };
    const value = sampleFromSchema(schema, 'pancakes');
    expect(Object.keys(value as object)).toEqual(['minutes', 'recipe', 'steps', 'vegan']);
    expect(value).toEqual({ minutes: 5, recipe: 'pancakes', steps: ['sample'], vegan: true });
    expectValid(lowerTypes(schema) as Record<string, unknown>, value);
  });

  it('samples bare arrays and primitives at the root', () => {
    expect(sampleFromSchema({ type: 'array', items: { type: 'string' } }, 'hi')).toEqual(['hi']);
    expect(sampleFromSchema({ type: 'integer', maximum: -4 }, 'hi')).toBe(-4);
    expect(sampleFromSchema({ type: 'number', multipleOf: 0.25, minimum: 0.3 }, 'hi')).toBe(0.5);
  });

  it('resolves the root schema through $ref and allOf', () => {
    const root = resolveRootSchema({ $defs: { a: { allOf: [{ required: ['x'] }, { required: ['y'] }] } }, $ref: '#/$defs/a' });
    expect(root.required).toEqual(['x', 'y']);
  });
});
