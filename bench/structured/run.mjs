#!/usr/bin/env node
// What structured output adds to a job in the worker, measured in process
// with the built packages: checking a valid answer against its schema (the
// compiled validator cached, as in the worker), the same with a fenced answer
// that needs repair, and rendering a stored prompt.
//   node bench/structured/run.mjs [--iterations 20000]
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { iterations: { type: 'string', default: '20000' } } });
const iterations = Number(values.iterations);

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const load = createRequire(join(root, 'package.json'));
const { StructuredAnswerChecker } = load('./packages/structured-output/dist/index.js');
const { renderPrompt } = load('./packages/prompts/dist/index.js');

// 20 properties of every common kind: strings with formats and lengths, numbers with bounds, an enum, arrays and a nested object.
const properties = {};
for (let i = 0; i < 5; i++) properties[`name${i}`] = { type: 'string', minLength: 1, maxLength: 200 };
for (let i = 0; i < 4; i++) properties[`amount${i}`] = { type: 'number', minimum: 0 };
for (let i = 0; i < 3; i++) properties[`count${i}`] = { type: 'integer', minimum: 0, maximum: 1000 };
properties.email = { type: 'string', format: 'email' };
properties.createdAt = { type: 'string', format: 'date-time' };
properties.status = { enum: ['open', 'paid', 'shipped', 'cancelled'] };
properties.paid = { type: 'boolean' };
properties.tags = { type: 'array', items: { type: 'string' }, maxItems: 20 };
properties.lines = {
  type: 'array',
  items: {
    type: 'object',
    properties: { sku: { type: 'string' }, qty: { type: 'integer', minimum: 1 }, price: { type: 'number' } },
    required: ['sku', 'qty', 'price'],
    additionalProperties: false,
  },
};
properties.address = {
  type: 'object',
  properties: { street: { type: 'string' }, city: { type: 'string' }, zip: { type: 'string', pattern: '^[0-9]{5}$' } },
  required: ['street', 'city'],
};
properties.note = { type: ['string', 'null'] };
const spec = {
  type: 'json_schema',
  name: 'order',
  strict: true,
  schema: { type: 'object', properties, required: Object.keys(properties), additionalProperties: false },
};

const answer = {
  name0: 'Ada Lovelace',
  name1: 'Analytical Engine Works',
  name2: 'Order for the difference engine',
  name3: 'Second shipment',
  name4: 'Priority',
  amount0: 1234.5,
  amount1: 99.99,
  amount2: 0,
  amount3: 17.25,
  count0: 3,
  count1: 250,
  count2: 999,
  email: 'ada@example.com',
  createdAt: '2026-12-03T10:15:30Z',
  status: 'paid',
  paid: true,
  tags: ['rush', 'fragile', 'gift', 'international', 'insured'],
  lines: Array.from({ length: 22 }, (_, i) => ({ sku: `SKU-${1000 + i}-BRASS-GEAR`, qty: i + 1, price: 12.5 * (i + 1) })),
  address: { street: '12 St James Square', city: 'London', zip: '12345' },
  note: 'Deliver to the back entrance; ring twice and wait for the porter.',
};
const text = JSON.stringify(answer, null, 1);
const fenced = `Here is the order:\n\`\`\`json\n${text}\n\`\`\``;

const version = {
  prompt: 'order-summary',
  version: 3,
  messages: [
    { role: 'system', content: 'You summarise orders for {{team}} in {{language}}. Be brief.' },
    { role: 'user', content: 'Summarise order {{orderId}} for {{customer}}:{{#items}}\n- {{name}} x{{qty}}{{/items}}' },
  ],
  model: 'fast',
  parameters: { temperature: 0.2, max_tokens: 200 },
  variables: {
    type: 'object',
    properties: {
      team: { type: 'string' },
      language: { type: 'string' },
      orderId: { type: 'string' },
      customer: { type: 'string' },
      items: { type: 'array', items: { type: 'object', properties: { name: { type: 'string' }, qty: { type: 'integer' } } } },
    },
    required: ['team', 'language', 'orderId', 'customer'],
  },
  responseFormat: null,
  variants: [],
  author: null,
  note: null,
  createdAt: new Date(0),
};
const variables = {
  team: 'support',
  language: 'English',
  orderId: 'A-1042',
  customer: 'Ada Lovelace',
  items: [
    { name: 'brass gear', qty: 3 },
    { name: 'punched card', qty: 200 },
  ],
};

function measure(name, run) {
  for (let i = 0; i < Math.min(2000, iterations); i++) run();
  const samples = new Float64Array(iterations);
  for (let i = 0; i < iterations; i++) {
    const t0 = performance.now();
    run();
    samples[i] = performance.now() - t0;
  }
  samples.sort();
  // Throughput from a loop without the per-call clock reads.
  const started = performance.now();
  for (let i = 0; i < iterations; i++) run();
  const elapsed = performance.now() - started;
  const at = (p) => samples[Math.min(iterations - 1, Math.floor((p / 100) * iterations))];
  return { name, p50: at(50), p99: at(99), opsPerSecond: (iterations / elapsed) * 1000 };
}

const checker = new StructuredAnswerChecker();
for (const [label, input] of [
  ['valid', text],
  ['fenced', fenced],
]) {
  const result = checker.check(spec, input);
  if (!result.valid) throw new Error(`the ${label} answer should pass: ${result.errors.join('; ')}`);
}
renderPrompt(version, variables);

const results = [
  measure(`check a valid ${(text.length / 1024).toFixed(1)} KB answer, 20-property schema`, () => checker.check(spec, text)),
  measure('check the same answer in a Markdown fence (repaired)', () => checker.check(spec, fenced)),
  measure('renderPrompt (2 messages, 5 variables, schema check)', () => renderPrompt(version, variables)),
];
if (checker.compilations !== 1) throw new Error(`the schema was compiled ${checker.compilations} times, not once`);

console.log(`Node ${process.version}, ${iterations} iterations each (after warm-up)\n`);
console.log('| step | p50 | p99 | ops/s |');
console.log('| --- | ---: | ---: | ---: |');
for (const r of results) console.log(`| ${r.name} | ${r.p50.toFixed(4)} ms | ${r.p99.toFixed(4)} ms | ${Math.round(r.opsPerSecond).toLocaleString('en-US')} |`);
