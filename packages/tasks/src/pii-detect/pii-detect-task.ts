import type { TaskDefinition } from '../core/task-definition';
import golden from './golden.json';
import { type ModelPiiFinding, mergeSpans, redact } from './merge-spans';
import { patternPass } from './pattern-pass';
import { PII_TYPES, type PiiSpan } from './pii-types';

export interface PiiDetectInput {
  text: string;
}

interface PiiDetectOutput {
  findings: ModelPiiFinding[];
}

export interface PiiDetectResult {
  /** Always `complete`: a run whose model step failed is answered `task_incomplete`, never with the pattern spans alone. */
  status: 'complete';
  spans: PiiSpan[];
  redacted_text: string;
  counts: { pattern: number; model: number; model_unlocated: number };
}

export const piiDetectTask: TaskDefinition<PiiDetectInput, PiiDetectOutput, PiiSpan[], PiiDetectResult> = {
  name: 'pii-detect',
  description:
    'Personal data in a text: a pattern pass (e-mails, phones, card numbers with Luhn, IBANs with mod-97, IPs, SSN-like ids), then the model; typed spans and the redacted text. Fails closed: a failed model step is a task_incomplete error, never an empty list.',
  prompt: 'task-pii-detect',
  inputSchema: {
    type: 'object',
    properties: { text: { type: 'string', minLength: 1, maxLength: 100_000 } },
    required: ['text'],
    additionalProperties: false,
  },
  outputSchema: {
    type: 'object',
    properties: {
      findings: {
        type: 'array',
        items: {
          type: 'object',
          properties: { type: { enum: [...PII_TYPES] }, text: { type: 'string', minLength: 1 } },
          required: ['type', 'text'],
          additionalProperties: false,
        },
      },
    },
    required: ['findings'],
    additionalProperties: false,
  },
  async: false,
  failClosed: true,
  prepare(input) {
    const pattern = patternPass(input.text);
    return {
      variables: { text: input.text, already_found: pattern.map((span) => ({ type: span.type, text: span.text })) },
      outputSchema: this.outputSchema,
      context: pattern,
    };
  },
  finish(input, output, pattern) {
    const { spans, unlocated } = mergeSpans(input.text, pattern, output.findings);
    return {
      status: 'complete',
      spans,
      redacted_text: redact(input.text, spans),
      counts: { pattern: pattern.length, model: output.findings.length, model_unlocated: unlocated },
    };
  },
  golden: golden as TaskDefinition['golden'],
};
