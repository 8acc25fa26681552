import { InvalidRequestError } from '@switchyard/contracts';
import { describe, expect, it } from 'vitest';
import { assertUsableSchema, StructuredAnswerChecker } from './structured-answer-checker';
import type { StructuredSpec } from './structured-spec';

const order: StructuredSpec = {
  type: 'json_schema',
  name: 'order',
  strict: true,
  schema: {
    type: 'object',
    properties: {
      customer: { type: 'string' },
      email: { type: 'string', format: 'email' },
      status: { enum: ['open', 'paid'] },
      items: {
        type: 'array',
        items: {
          type: 'object',
          properties: { sku: { type: 'string' }, price: { type: 'number' }, tags: { type: 'array', items: { type: 'array', items: { type: 'integer' } } } },
          required: ['sku', 'price'],
          additionalProperties: false,
        },
      },
    },
    required: ['customer', 'items'],
    additionalProperties: false,
  },
};

const validOrder = { customer: 'Ada', email: 'ada@example.com', status: 'paid', items: [{ sku: 'A1', price: 9.5, tags: [[1, 2], [3]] }] };

function errorsOf(spec: StructuredSpec, text: string): string[] {
  const result = new StructuredAnswerChecker().check(spec, text);
  if (result.valid) throw new Error(`expected ${text} to be refused`);
  return result.errors;
}

describe('StructuredAnswerChecker.check', () => {
  it('accepts exact JSON that meets the schema and keeps its text', () => {
    const text = JSON.stringify(validOrder, null, 2);
    expect(new StructuredAnswerChecker().check(order, text)).toEqual({ valid: true, value: validOrder, text, repaired: false });
  });

  it('names the path and the expected type of a wrong value', () => {
    const answer = { customer: 'Ada', items: [{ sku: 'A1', price: '9.50' }] };
    expect(errorsOf(order, JSON.stringify(answer))).toEqual(['/items/0/price must be number']);
  });

  it('names a missing required property', () => {
    expect(errorsOf(order, '{"items": []}')).toEqual(["/ must have required property 'customer'"]);
  });

  it('reports every problem at once, with the names Ajv leaves out', () => {
    const answer = { customer: 7, status: 'lost', items: [{ sku: 'A1', price: 1, colour: 'red' }], extra: true };
    expect(errorsOf(order, JSON.stringify(answer))).toEqual([
      "/ must NOT have additional properties: 'extra'",
      '/customer must be string',
      '/status must be equal to one of the allowed values: ["open","paid"]',
      "/items/0 must NOT have additional properties: 'colour'",
    ]);
  });

  it('checks values inside nested arrays', () => {
    const answer = { customer: 'Ada', items: [{ sku: 'A1', price: 1, tags: [[1, 'two'], [3.5]] }] };
    expect(errorsOf(order, JSON.stringify(answer))).toEqual(['/items/0/tags/0/1 must be integer', '/items/0/tags/1/0 must be integer']);
  });

  it('checks formats', () => {
    expect(errorsOf(order, JSON.stringify({ ...validOrder, email: 'not an address' }))).toEqual(['/email must match format "email"']);
  });

  it.each([
    ['a Markdown fence', `\`\`\`json\n${JSON.stringify(validOrder)}\n\`\`\``],
    ['prose before and after', `Here is the order you asked for: ${JSON.stringify(validOrder)}\nLet me know if you need anything else.`],
    ['prose and a fence', `Sure!\n\`\`\`\n${JSON.stringify(validOrder, null, 2)}\n\`\`\`\nDone.`],
    [
      'single quotes and a trailing comma',
      "{'customer': 'Ada', 'email': 'ada@example.com', 'status': 'paid', 'items': [{'sku': 'A1', 'price': 9.5, 'tags': [[1, 2], [3]]},],}",
    ],
    ['a truncated end', JSON.stringify(validOrder).slice(0, -3)],
  ])('repairs %s', (_case, text) => {
    const result = new StructuredAnswerChecker().check(order, text);
    expect(result).toMatchObject({ valid: true, repaired: true });
    if (!result.valid) return;
    expect(JSON.parse(result.text)).toEqual(result.value);
    expect(result.value).toMatchObject({ customer: 'Ada', items: [{ sku: 'A1', price: 9.5 }] });
  });

  it('keeps braces inside strings when cutting the JSON out of prose', () => {
    const value = { customer: 'A} and {B', items: [] };
    const result = new StructuredAnswerChecker().check(order, `Answer: ${JSON.stringify(value)} -- with "quotes" {after}`);
    expect(result).toMatchObject({ valid: true, value, repaired: true });
  });

  it('refuses an answer that is not JSON at all', () => {
    expect(errorsOf(order, 'I am sorry, I cannot help with that order.')).toEqual(['The answer is not JSON: it has no JSON object or array.']);
  });

  it('refuses a repaired answer that still misses the schema, giving the repaired text', () => {
    const result = new StructuredAnswerChecker().check(order, '```json\n{"customer": "Ada"}\n```');
    expect(result).toEqual({ valid: false, errors: ["/ must have required property 'items'"], text: '{"customer":"Ada"}' });
  });

  it('holds JSON mode to an object', () => {
    const jsonMode: StructuredSpec = { type: 'json_object', name: 'json_object', strict: false };
    const checker = new StructuredAnswerChecker();
    expect(checker.check(jsonMode, '{"anything": [1, 2]}')).toMatchObject({ valid: true, value: { anything: [1, 2] } });
    expect(checker.check(jsonMode, '[1, 2]')).toMatchObject({ valid: false, errors: ['/ must be object'] });
  });

  it('bounds the error lines in number and length', () => {
    const properties = Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`p${i}`, { type: 'number' }]));
    const wide: StructuredSpec = { type: 'json_schema', name: 'wide', strict: false, schema: { type: 'object', properties } };
    const answer = Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`p${i}`, 'x']));
    const errors = errorsOf(wide, JSON.stringify(answer));
    expect(errors).toHaveLength(10);
    expect(errors.at(-1)).toBe('…and 21 more problems');

    const long: StructuredSpec = {
      type: 'json_schema',
      name: 'long',
      strict: false,
      schema: { type: 'object', properties: { [`k${'x'.repeat(300)}`]: { type: 'number' } } },
    };
    const [line] = errorsOf(long, JSON.stringify({ [`k${'x'.repeat(300)}`]: 'x' }));
    expect(line?.length).toBe(200);
  });

  it('ignores formats it does not know, quietly', () => {
    const spec: StructuredSpec = {
      type: 'json_schema',
      name: 'price',
      strict: false,
      schema: { type: 'object', properties: { amount: { type: 'string', format: 'currency' } } },
    };
    const warnings: unknown[] = [];
    const warn = console.warn;
    console.warn = (...args: unknown[]) => warnings.push(args);
    try {
      expect(new StructuredAnswerChecker().check(spec, '{"amount": "12 EUR"}')).toMatchObject({ valid: true });
    } finally {
      console.warn = warn;
    }
    expect(warnings).toEqual([]);
  });

  it('accepts schemas written for OpenAI: a $schema draft, $defs references and unknown keywords', () => {
    const spec: StructuredSpec = {
      type: 'json_schema',
      name: 'people',
      strict: true,
      schema: {
        $schema: 'https://json-schema.org/draft/2020-12/schema',
        type: 'object',
        properties: { people: { type: 'array', items: { $ref: '#/$defs/person' } } },
        required: ['people'],
        $defs: { person: { type: 'object', properties: { name: { type: 'string' } }, required: ['name'], 'x-ui-order': 1 } },
      },
    };
    const checker = new StructuredAnswerChecker();
    expect(checker.check(spec, '{"people": [{"name": "Ada"}]}')).toMatchObject({ valid: true });
    expect(checker.check(spec, '{"people": [{}]}')).toMatchObject({ valid: false, errors: ["/people/0 must have required property 'name'"] });
  });
});

describe('drafts', () => {
  const tuple = (schema: Record<string, unknown>): StructuredSpec => ({ type: 'json_schema', name: 'pair', strict: false, schema });

  it('reads a 2020-12 schema by its own rules: prefixItems is a tuple', () => {
    const spec = tuple({
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      type: 'object',
      properties: { pair: { type: 'array', prefixItems: [{ type: 'string' }, { type: 'number' }] } },
    });
    expect(new StructuredAnswerChecker().check(spec, '{"pair": ["a", "b"]}')).toMatchObject({ valid: false, errors: ['/pair/1 must be number'] });
  });

  it('reads a schema without $schema as draft-07: items as a list is a tuple', () => {
    const spec = tuple({ type: 'object', properties: { pair: { type: 'array', items: [{ type: 'string' }, { type: 'number' }] } } });
    const checker = new StructuredAnswerChecker();
    expect(checker.check(spec, '{"pair": ["a", 1]}')).toMatchObject({ valid: true });
    expect(checker.check(spec, '{"pair": [1, 1]}')).toMatchObject({ valid: false, errors: ['/pair/0 must be string'] });
  });

  it('reads 2019-09 schemas too', () => {
    const spec = tuple({
      $schema: 'https://json-schema.org/draft/2019-09/schema',
      type: 'object',
      properties: { a: { type: 'string' } },
      dependentRequired: { a: ['b'] },
    });
    expect(new StructuredAnswerChecker().check(spec, '{"a": "x"}')).toMatchObject({
      valid: false,
      errors: ['/ must have property b when property a is present'],
    });
  });
});

describe('compiled schema cache', () => {
  it('compiles a schema once however often it is used', () => {
    const checker = new StructuredAnswerChecker();
    for (let i = 0; i < 5; i++) checker.check(order, JSON.stringify(validOrder));
    checker.check({ ...order, schema: JSON.parse(JSON.stringify(order.schema)) }, '{}');
    expect(checker.compilations).toBe(1);
  });

  it('drops the least recently used schema when full', () => {
    const checker = new StructuredAnswerChecker({ maxCachedSchemas: 2 });
    const spec = (max: number): StructuredSpec => ({ type: 'json_schema', name: 'n', strict: false, schema: { type: 'integer', maximum: max } });
    checker.check(spec(1), '1');
    checker.check(spec(2), '1');
    checker.check(spec(1), '1');
    checker.check(spec(3), '1');
    expect(checker.compilations).toBe(3);
    checker.check(spec(1), '1');
    expect(checker.compilations).toBe(3);
    checker.check(spec(2), '1');
    expect(checker.compilations).toBe(4);
  });

  it('can compile a schema with a root $id again after evicting it', () => {
    const checker = new StructuredAnswerChecker({ maxCachedSchemas: 1 });
    const withId = (max: number): StructuredSpec => ({
      type: 'json_schema',
      name: 'n',
      strict: false,
      schema: { $id: 'https://example.com/n', type: 'integer', maximum: max },
    });
    expect(checker.check(withId(1), '2')).toMatchObject({ valid: false });
    expect(checker.check(withId(5), '2')).toMatchObject({ valid: true });
    expect(checker.check(withId(1), '2')).toMatchObject({ valid: false });
  });
});

describe('assertUsableSchema', () => {
  it.each([
    ['an unknown type', { type: 'strin' }],
    ['a reference to nothing', { type: 'object', properties: { a: { $ref: '#/$defs/missing' } } }],
    ['required that is not a list', { type: 'object', required: 'name' }],
  ])('refuses %s as a 400 on the schema param', (_case, schema) => {
    const spec: StructuredSpec = { type: 'json_schema', name: 'bad', strict: false, schema };
    let caught: unknown;
    try {
      assertUsableSchema(spec);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(InvalidRequestError);
    expect(caught).toMatchObject({ param: 'response_format.json_schema.schema' });
    expect((caught as Error).message).toMatch(/^response_format\.json_schema\.schema is not a usable JSON Schema: /);
    expect(() => new StructuredAnswerChecker().check(spec, '{}')).toThrow(InvalidRequestError);
  });

  it('accepts a usable schema and JSON mode', () => {
    expect(() => assertUsableSchema(order)).not.toThrow();
    expect(() => assertUsableSchema({ type: 'json_object', name: 'json_object', strict: false })).not.toThrow();
  });
});
