import type { TaskDefinition } from '../core/task-definition';
import { cardMarkdown, type ModelCard } from './card-markdown';
import golden from './golden.json';

interface ModelMetadata {
  name: string;
  version?: string;
  description?: string;
  architecture?: string;
  parameters?: string;
  license?: string;
  training_data?: string;
  intended_use?: string;
  authors?: string;
}

export interface ModelCardInput {
  model: ModelMetadata;
  evaluations: { dataset: string; split?: string; metric: string; value: number }[];
  limitations: string[];
}

interface ModelCardOutput {
  summary: string;
  intended_use: string;
  out_of_scope_use: string[];
  limitations: string[];
  risks: string[];
  evaluation_summary: string;
}

const DETAIL_FIELDS: [keyof ModelMetadata, string][] = [
  ['architecture', 'Architecture'],
  ['parameters', 'Parameters'],
  ['license', 'License'],
  ['training_data', 'Training data'],
  ['authors', 'Authors'],
];

const text = (max: number) => ({ type: 'string', minLength: 1, maxLength: max });

export const modelCardTask: TaskDefinition<ModelCardInput, ModelCardOutput, undefined, { card: ModelCard; markdown: string }> = {
  name: 'model-card',
  description:
    'Model metadata and evaluation results in; a model card as JSON and as Markdown. The facts (details, the results table) come from the input as given; the model writes the prose.',
  prompt: 'task-model-card',
  inputSchema: {
    type: 'object',
    properties: {
      model: {
        type: 'object',
        properties: {
          name: text(200),
          version: text(100),
          description: text(5000),
          architecture: text(500),
          parameters: text(100),
          license: text(200),
          training_data: text(5000),
          intended_use: text(5000),
          authors: text(500),
        },
        required: ['name'],
        additionalProperties: false,
      },
      evaluations: {
        type: 'array',
        minItems: 1,
        maxItems: 200,
        items: {
          type: 'object',
          properties: { dataset: text(200), split: text(100), metric: text(100), value: { type: 'number' } },
          required: ['dataset', 'metric', 'value'],
          additionalProperties: false,
        },
      },
      limitations: { type: 'array', items: text(1000), maxItems: 50, default: [] },
    },
    required: ['model', 'evaluations'],
    additionalProperties: false,
  },
  outputSchema: {
    type: 'object',
    properties: {
      summary: { type: 'string', minLength: 1 },
      intended_use: { type: 'string', minLength: 1 },
      out_of_scope_use: { type: 'array', items: { type: 'string', minLength: 1 } },
      limitations: { type: 'array', items: { type: 'string', minLength: 1 } },
      risks: { type: 'array', items: { type: 'string', minLength: 1 } },
      evaluation_summary: { type: 'string', minLength: 1 },
    },
    required: ['summary', 'intended_use', 'out_of_scope_use', 'limitations', 'risks', 'evaluation_summary'],
    additionalProperties: false,
  },
  async: false,
  failClosed: false,
  prepare(input) {
    return {
      variables: { model: input.model, evaluations: input.evaluations, limitations: input.limitations },
      outputSchema: this.outputSchema,
      context: undefined,
    };
  },
  finish(input, output) {
    const card: ModelCard = {
      name: input.model.name,
      version: input.model.version ?? null,
      details: DETAIL_FIELDS.flatMap(([field, label]) => (input.model[field] === undefined ? [] : [{ label, value: input.model[field] as string }])),
      summary: output.summary,
      intended_use: output.intended_use,
      out_of_scope_use: output.out_of_scope_use,
      // The caller's own limitations first and always: the model may add to them, never drop one.
      limitations: [...new Set([...input.limitations, ...output.limitations])],
      risks: output.risks,
      evaluation: {
        summary: output.evaluation_summary,
        results: input.evaluations.map((result) => ({ dataset: result.dataset, split: result.split ?? null, metric: result.metric, value: result.value })),
      },
    };
    return { card, markdown: cardMarkdown(card) };
  },
  golden: golden as TaskDefinition['golden'],
};
