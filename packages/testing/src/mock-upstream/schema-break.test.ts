import Ajv2020 from 'ajv/dist/2020';
import { jsonrepair } from 'jsonrepair';
import { describe, expect, it } from 'vitest';
import { breakText, breakValue, NOT_JSON_PROSE, TRAILING_PROSE } from './schema-break';
import { sampleFromSchema } from './schema-sample';

const SCHEMA = {
  type: 'object',
  properties: {
    city: { type: 'string' },
    population: { type: 'integer', minimum: 0 },
    tags: { type: 'array', items: { type: 'string' } },
  },
  required: ['population', 'city'],
};
const validate = new Ajv2020({ allErrors: true }).compile(SCHEMA);
const VALUE = sampleFromSchema(SCHEMA, 'Porto by the sea');
const JSON_TEXT = JSON.stringify(VALUE);

describe('schema breaks', () => {
  it('starts from a valid sample', () => {
    expect(validate(VALUE)).toBe(true);
  });

  it('wrong_type gives the first property another type', () => {
    const broken = breakValue(VALUE, SCHEMA, 'wrong_type');
    expect(broken).toEqual({ ...(VALUE as object), city: 12345 });
    expect(validate(broken)).toBe(false);
    expect(validate.errors?.[0]).toMatchObject({ instancePath: '/city', keyword: 'type' });
  });

  it('missing_field drops the first required property that is there', () => {
    const broken = breakValue(VALUE, SCHEMA, 'missing_field') as Record<string, unknown>;
    expect(Object.keys(broken)).toEqual(['city', 'tags']);
    expect(validate(broken)).toBe(false);
    expect(validate.errors?.[0]).toMatchObject({ keyword: 'required', params: { missingProperty: 'population' } });
  });

  it('missing_field drops the first property when nothing is required', () => {
    expect(breakValue({ answer: 'x', more: 1 }, undefined, 'missing_field')).toEqual({ more: 1 });
  });

  it('trailing_prose adds prose after valid JSON', () => {
    const text = breakText(JSON_TEXT, 'trailing_prose');
    expect(text).toBe(`${JSON_TEXT}${TRAILING_PROSE}`);
    expect(() => JSON.parse(text)).toThrow();
  });

  it('code_fence wraps the JSON in a json fence', () => {
    expect(breakText(JSON_TEXT, 'code_fence')).toBe(`\`\`\`json\n${JSON_TEXT}\n\`\`\``);
  });

  it('not_json answers prose without any JSON', () => {
    const text = breakText(JSON_TEXT, 'not_json');
    expect(text).toBe(NOT_JSON_PROSE);
    expect(text).not.toMatch(/[{[]/);
  });

  it('truncated cuts the JSON so that it no longer parses but jsonrepair closes it', () => {
    const text = breakText(JSON_TEXT, 'truncated');
    expect(JSON_TEXT.startsWith(text)).toBe(true);
    expect(text.length).toBeLessThanOrEqual(Math.ceil(JSON_TEXT.length * 0.6));
    expect(() => JSON.parse(text)).toThrow();
    expect(JSON.parse(jsonrepair(text))).toEqual(expect.objectContaining({ city: expect.any(String) }));
  });

  it.each(['"a bare string"', '[1,2,3,4]', 'true', 'null'])('truncated leaves %s unparseable', (json) => {
    expect(() => JSON.parse(breakText(json, 'truncated'))).toThrow();
  });
});
