/**
 * Deterministic sample values for a JSON Schema, so that the mock can answer a
 * structured-output request with JSON that validates. It covers what providers
 * accept as response schemas: JSON Schema (draft-07 and 2020-12 keywords) and
 * the OpenAPI subset Gemini takes, whose types are upper-case ("OBJECT").
 * `pattern` is not honoured: no general generator for regular expressions is
 * worth its weight in a mock.
 */

type Schema = Record<string, unknown>;

// Past this depth objects keep only their required properties and arrays only
// their minItems, so that recursive schemas (trees, linked lists) end.
const MAX_DEPTH = 12;
const MAX_REF_HOPS = 32;
// A schema that requires itself without end has no finite instance; past this
// the sample gives up on validity rather than overflow the stack.
const HARD_DEPTH = 64;

const FORMAT_SAMPLES: Record<string, string> = {
  'date-time': '2024-01-15T09:30:00Z',
  date: '2024-01-15',
  time: '09:30:00Z',
  email: 'user@example.com',
  'idn-email': 'user@example.com',
  uri: 'https://example.com/',
  url: 'https://example.com/',
  'uri-reference': 'https://example.com/',
  iri: 'https://example.com/',
  hostname: 'example.com',
  ipv4: '192.0.2.1',
  ipv6: '2001:db8::1',
  uuid: '123e4567-e89b-42d3-a456-426614174000',
  duration: 'P1D',
};

function isSchema(value: unknown): value is Schema {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function num(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/**
 * A value that `schema` accepts. `seedText` goes into the first free-text
 * string (one without enum, const or format), so that answers differ per request.
 */
export function sampleFromSchema(schema: unknown, seedText: string): unknown {
  return new Sampler(schema, seedText).sample(schema, 0, 0);
}

/**
 * The schema that `schema` stands for at its root, with local `$ref`s followed
 * and `allOf` merged, for callers that inspect its properties.
 */
export function resolveRootSchema(schema: unknown): Schema {
  const sampler = new Sampler(schema, '');
  return sampler.flatten(schema);
}

class Sampler {
  private seedUsed = false;

  constructor(
    private readonly root: unknown,
    private readonly seed: string,
  ) {}

  /** `variant` makes the items of one array differ, for uniqueItems. */
  sample(input: unknown, depth: number, variant: number): unknown {
    if (depth > HARD_DEPTH) return null;
    const schema = this.flatten(input);
    if ('const' in schema) return schema.const;
    if (Array.isArray(schema.enum) && schema.enum.length > 0) return schema.enum[variant % schema.enum.length];
    const branches = Array.isArray(schema.anyOf) ? schema.anyOf : Array.isArray(schema.oneOf) ? schema.oneOf : undefined;
    if (branches !== undefined && branches.length > 0) {
      // A nullable field is usually written [X, null]; X makes the more useful sample.
      const chosen = branches.find((branch) => this.typeOf(this.flatten(branch)) !== 'null') ?? branches[0];
      return this.sample(this.mergeSiblings(schema, chosen), depth, variant);
    }
    switch (this.typeOf(schema)) {
      case 'object':
        return this.object(schema, depth);
      case 'array':
        return this.array(schema, depth);
      case 'integer':
        return this.number(schema, variant, true);
      case 'number':
        return this.number(schema, variant, false);
      case 'boolean':
        return variant % 2 === 0;
      case 'null':
        return null;
      default:
        return this.string(schema, variant);
    }
  }

  /** Follows local `$ref`s and merges `allOf` into one schema. */
  flatten(input: unknown): Schema {
    let schema: unknown = input;
    for (let hops = 0; isSchema(schema) && typeof schema.$ref === 'string' && hops < MAX_REF_HOPS; hops++) {
      const { $ref, ...siblings } = schema;
      const target = this.lookup($ref as string);
      schema = Object.keys(siblings).length === 0 ? target : { ...(isSchema(target) ? target : {}), ...siblings };
    }
    if (!isSchema(schema)) return {};
    if (!Array.isArray(schema.allOf)) return schema;
    const { allOf, ...rest } = schema;
    let merged: Schema = {};
    for (const part of [...(allOf as unknown[]), rest]) merged = mergeSchemas(merged, this.flatten(part));
    return merged;
  }

  private mergeSiblings(parent: Schema, branch: unknown): Schema {
    const { anyOf: _anyOf, oneOf: _oneOf, ...siblings } = parent;
    return mergeSchemas(siblings, this.flatten(branch));
  }

  private lookup(ref: string): unknown {
    if (ref === '#') return this.root;
    if (!ref.startsWith('#/')) return {};
    let node: unknown = this.root;
    for (const raw of ref.slice(2).split('/')) {
      const key = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
      node = isSchema(node) ? node[key] : Array.isArray(node) ? node[Number(key)] : undefined;
    }
    return node ?? {};
  }

  private typeOf(schema: Schema): string {
    const type = schema.type;
    if (typeof type === 'string') return type.toLowerCase();
    if (Array.isArray(type)) {
      const names = type.filter((t): t is string => typeof t === 'string').map((t) => t.toLowerCase());
      return names.find((t) => t !== 'null') ?? names[0] ?? 'string';
    }
    if (isSchema(schema.properties) || Array.isArray(schema.required)) return 'object';
    if (schema.items !== undefined || Array.isArray(schema.prefixItems)) return 'array';
    return 'string';
  }

  private object(schema: Schema, depth: number): Record<string, unknown> {
    const properties = isSchema(schema.properties) ? schema.properties : {};
    const required = Array.isArray(schema.required) ? schema.required.filter((r): r is string => typeof r === 'string') : [];
    // Gemini's responseSchema states the order in which properties are generated.
    const ordering = Array.isArray(schema.propertyOrdering) ? schema.propertyOrdering.filter((p): p is string => typeof p === 'string') : [];
    const names = [...new Set([...ordering, ...Object.keys(properties), ...required])];
    const out: Record<string, unknown> = {};
    for (const name of names) {
      if (depth >= MAX_DEPTH && !required.includes(name)) continue;
      out[name] = this.sample(properties[name] ?? {}, depth + 1, 0);
    }
    return out;
  }

  private array(schema: Schema, depth: number): unknown[] {
    const minItems = num(schema.minItems) ?? 0;
    const maxItems = num(schema.maxItems);
    const prefix = Array.isArray(schema.prefixItems) ? schema.prefixItems : Array.isArray(schema.items) ? schema.items : [];
    let count = depth >= MAX_DEPTH ? minItems : Math.max(minItems, 1, prefix.length);
    if (maxItems !== undefined) count = Math.min(count, maxItems);
    const rest = Array.isArray(schema.items) ? (schema.additionalItems ?? {}) : (schema.items ?? {});
    const out: unknown[] = [];
    for (let i = 0; i < count; i++) out.push(this.sample(i < prefix.length ? prefix[i] : rest, depth + 1, i));
    return out;
  }

  private number(schema: Schema, variant: number, integer: boolean): number {
    const step = num(schema.multipleOf) ?? (integer ? 1 : 0.5);
    let low = num(schema.minimum);
    let high = num(schema.maximum);
    // draft-04 writes exclusive bounds as booleans beside minimum/maximum, later drafts as numbers.
    const exclusiveLow = schema.exclusiveMinimum === true ? low : num(schema.exclusiveMinimum);
    const exclusiveHigh = schema.exclusiveMaximum === true ? high : num(schema.exclusiveMaximum);
    if (exclusiveLow !== undefined) low = Math.max(low ?? Number.NEGATIVE_INFINITY, exclusiveLow + step);
    if (exclusiveHigh !== undefined) high = Math.min(high ?? Number.POSITIVE_INFINITY, exclusiveHigh - step);
    let value = low ?? (high !== undefined && high < 1 ? high : 1);
    value += variant * step;
    if (high !== undefined && value > high) value = high;
    if (num(schema.multipleOf) !== undefined) value = Math.ceil(value / step) * step;
    return integer ? Math.ceil(value) : value;
  }

  private string(schema: Schema, variant: number): string {
    const format = typeof schema.format === 'string' ? FORMAT_SAMPLES[schema.format] : undefined;
    let text: string;
    if (format !== undefined) {
      text = format;
    } else if (!this.seedUsed && this.seed !== '') {
      this.seedUsed = true;
      text = this.seed;
    } else {
      text = 'sample';
    }
    if (variant > 0 && format === undefined) text = `${text} ${variant + 1}`;
    const minLength = num(schema.minLength) ?? 0;
    const maxLength = num(schema.maxLength);
    if (text.length < minLength) text = text.padEnd(minLength, 'x');
    if (maxLength !== undefined && text.length > maxLength) text = text.slice(0, maxLength);
    return text;
  }
}

/** Shallow union of two schemas: properties and required lists are combined, other keywords the later wins. */
function mergeSchemas(into: Schema, from: Schema): Schema {
  const merged: Schema = { ...into, ...from };
  if (isSchema(into.properties) && isSchema(from.properties)) merged.properties = { ...into.properties, ...from.properties };
  if (Array.isArray(into.required) && Array.isArray(from.required)) merged.required = [...new Set([...into.required, ...from.required])];
  return merged;
}
