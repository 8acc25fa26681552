import type { Schema, Type } from '@google/genai';
import { genai } from './genai-sdk';

/**
 * Why `responseSchema` and not `responseJsonSchema`: Gemini accepts
 * `responseJsonSchema` (full JSON Schema) only on its 2.5 models and later,
 * and refuses shapes some of those cannot compile, while `responseSchema`
 * (a subset of OpenAPI 3.0) works on every Gemini model and on Vertex. What
 * the subset cannot say (patterns of numbers, `oneOf` exclusivity, numeric
 * `const`) is not lost: the worker validates every answer against the
 * caller's full schema and re-asks on a miss. A schema whose *shape* the
 * subset cannot say — recursion, free-form objects, tuples — goes as
 * `responseJsonSchema` instead (see `toGeminiSchema`'s callers), since
 * flattening it would constrain the model to a different shape.
 */
export function toGeminiSchema(schema: Record<string, unknown>): Schema | undefined {
  try {
    return new GeminiSchemaWriter(schema).convert(schema);
  } catch (error) {
    if (error instanceof Unexpressible) return undefined;
    throw error;
  }
}

/** The schema has a shape the OpenAPI subset cannot express. */
class Unexpressible extends Error {}

type JsonSchema = Record<string, unknown>;

interface SchemaTypes {
  /** JSON Schema's type names as Gemini's. */
  byName: Record<string, Type>;
  /** The formats Gemini accepts for each type; it refuses a request naming any other. */
  formats: Partial<Record<Type, readonly string[]>>;
}
let schemaTypes: SchemaTypes | undefined;

/** Built at the first conversion: the values are the SDK's, and the SDK is loaded only for Gemini (genai-sdk.ts). */
function typesOf(): SchemaTypes {
  if (schemaTypes === undefined) {
    const { Type } = genai();
    schemaTypes = {
      byName: { string: Type.STRING, number: Type.NUMBER, integer: Type.INTEGER, boolean: Type.BOOLEAN, array: Type.ARRAY, object: Type.OBJECT },
      formats: { [Type.STRING]: ['date-time', 'enum'], [Type.NUMBER]: ['float', 'double'], [Type.INTEGER]: ['int32', 'int64'] },
    };
  }
  return schemaTypes;
}

/**
 * Inlining references can multiply a schema (a definition used twice, whose
 * own definitions are used twice, …); past this many nodes the schema goes as
 * JSON Schema, references intact.
 */
const MAX_NODES = 5_000;

class GeminiSchemaWriter {
  private readonly resolving: string[] = [];
  private nodes = 0;

  constructor(private readonly root: JsonSchema) {}

  convert(node: unknown): Schema {
    if (++this.nodes > MAX_NODES) throw new Unexpressible('a schema too large once its references are inlined');
    if (!isObject(node)) throw new Unexpressible('a schema that accepts anything');
    if (typeof node.$ref === 'string') return this.convertRef(node.$ref, node);
    if (Array.isArray(node.allOf)) return this.convertAllOf(node);
    const union = Array.isArray(node.anyOf) ? node.anyOf : Array.isArray(node.oneOf) ? node.oneOf : undefined;
    if (union !== undefined) return this.convertUnion(node, union);
    if (Array.isArray(node.type)) return this.convertTypeList(node, node.type);
    return this.convertSingle(node);
  }

  private convertRef(ref: string, node: JsonSchema): Schema {
    if (this.resolving.includes(ref)) throw new Unexpressible('a recursive schema');
    this.resolving.push(ref);
    const target = this.resolve(ref);
    if (!isObject(target)) throw new Unexpressible('a reference to a schema that accepts anything');
    const { $ref: _ref, ...siblings } = node;
    const converted = this.convert({ ...target, ...siblings });
    this.resolving.pop();
    return converted;
  }

  private resolve(ref: string): unknown {
    // JSON Pointer: `#/$defs/a~1b` names the key `a/b`.
    if (!ref.startsWith('#')) throw new Unexpressible('a reference to another document');
    let target: unknown = this.root;
    for (const segment of ref.slice(1).split('/').slice(1)) {
      const key = decodeURIComponent(segment).replaceAll('~1', '/').replaceAll('~0', '~');
      target = isObject(target) ? target[key] : undefined;
    }
    if (target === undefined) throw new Unexpressible('a reference to nothing');
    return target;
  }

  // One part is common (a `$ref` with siblings, as some generators write it); merging several is guesswork.
  private convertAllOf(node: JsonSchema): Schema {
    const { allOf, ...rest } = node as JsonSchema & { allOf: unknown[] };
    if (allOf.length !== 1 || !isObject(allOf[0])) throw new Unexpressible('allOf with several parts');
    return this.convert({ ...allOf[0], ...rest });
  }

  /** `null` among the alternatives is `nullable`; a single other alternative is inlined rather than wrapped. */
  private convertUnion(node: JsonSchema, variants: unknown[]): Schema {
    const { anyOf: _anyOf, oneOf: _oneOf, ...rest } = node;
    const nonNull = variants.filter((variant) => !(isObject(variant) && variant.type === 'null'));
    const nullable = nonNull.length < variants.length;
    if (nonNull.length === 0) throw new Unexpressible('a schema that only allows null');
    const converted: Schema =
      nonNull.length === 1
        ? this.convert({ ...rest, ...(nonNull[0] as JsonSchema) })
        : { ...describe(rest), anyOf: nonNull.map((variant) => this.convert(variant)) };
    return nullable ? { ...converted, nullable: true } : converted;
  }

  private convertTypeList(node: JsonSchema, types: unknown[]): Schema {
    const nonNull = types.filter((type) => type !== 'null');
    const nullable = nonNull.length < types.length;
    if (nonNull.length === 0) throw new Unexpressible('a schema that only allows null');
    const converted: Schema =
      nonNull.length === 1
        ? this.convertSingle({ ...node, type: nonNull[0] })
        : { ...describe(node), anyOf: nonNull.map((type) => this.convertSingle({ ...node, type })) };
    return nullable ? { ...converted, nullable: true } : converted;
  }

  private convertSingle(node: JsonSchema): Schema {
    const { byName, formats } = typesOf();
    const { Type } = genai();
    const type = byName[String(node.type ?? inferType(node))];
    if (type === undefined) throw new Unexpressible('a schema without a type');
    const out: Schema = { type, ...describe(node) };
    const strings = stringEnum(node);
    if (strings !== undefined) {
      out.enum = strings.values;
      if (strings.nullable) out.nullable = true;
    }
    if (typeof node.format === 'string' && formats[type]?.includes(node.format)) out.format = node.format;
    switch (type) {
      case Type.OBJECT:
        Object.assign(out, this.objectFields(node));
        break;
      case Type.ARRAY:
        Object.assign(out, this.arrayFields(node));
        break;
      case Type.STRING:
        copyCount(node, out, 'minLength', 'maxLength');
        if (typeof node.pattern === 'string') out.pattern = node.pattern;
        break;
      case Type.NUMBER:
      case Type.INTEGER:
        if (typeof node.minimum === 'number') out.minimum = node.minimum;
        if (typeof node.maximum === 'number') out.maximum = node.maximum;
        break;
    }
    return out;
  }

  // Gemini refuses an OBJECT without properties, so a free-form object (a map) is a shape the subset lacks.
  private objectFields(node: JsonSchema): Schema {
    const properties = isObject(node.properties) ? node.properties : {};
    const names = Object.keys(properties);
    if (names.length === 0) throw new Unexpressible('an object without properties');
    const out: Schema = {
      properties: Object.fromEntries(names.map((name) => [name, this.convert(properties[name])])),
      // Gemini writes properties in alphabetical order unless told; the caller's order reads better.
      propertyOrdering: names,
    };
    const required = Array.isArray(node.required) ? node.required.filter((name): name is string => typeof name === 'string' && names.includes(name)) : [];
    if (required.length > 0) out.required = required;
    copyCount(node, out, 'minProperties', 'maxProperties');
    return out;
  }

  private arrayFields(node: JsonSchema): Schema {
    if (!isObject(node.items) || node.prefixItems !== undefined) throw new Unexpressible('an array without one item schema');
    const out: Schema = { items: this.convert(node.items) };
    copyCount(node, out, 'minItems', 'maxItems');
    return out;
  }
}

function inferType(node: JsonSchema): string | undefined {
  if (isObject(node.properties)) return 'object';
  if (node.items !== undefined) return 'array';
  if (typeof node.const === 'string' || (Array.isArray(node.enum) && node.enum.some((value) => typeof value === 'string'))) return 'string';
  if (typeof node.const === 'number') return 'number';
  if (typeof node.const === 'boolean') return 'boolean';
  return undefined;
}

/** Gemini's enum holds strings only: a string `const` is a one-value enum; other enums are left to validation. */
function stringEnum(node: JsonSchema): { values: string[]; nullable: boolean } | undefined {
  if (typeof node.const === 'string') return { values: [node.const], nullable: false };
  if (!Array.isArray(node.enum)) return undefined;
  const values = node.enum.filter((value) => value !== null);
  if (values.length === 0 || !values.every((value): value is string => typeof value === 'string')) return undefined;
  return { values, nullable: values.length < node.enum.length };
}

// Gemini's counts are int64, which its JSON (and the SDK's types) carry as strings.
function copyCount(node: JsonSchema, out: Schema, ...keys: ('minLength' | 'maxLength' | 'minItems' | 'maxItems' | 'minProperties' | 'maxProperties')[]): void {
  for (const key of keys) {
    const value = node[key];
    if (typeof value === 'number' && Number.isInteger(value) && value >= 0) out[key] = String(value);
  }
}

function describe(node: JsonSchema): Pick<Schema, 'description'> {
  return typeof node.description === 'string' ? { description: node.description } : {};
}

function isObject(value: unknown): value is JsonSchema {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
