import { InvalidRequestError } from '@switchyard/contracts';
import type { JsonSchema, TaskDefinition } from '../core/task-definition';
import golden from './golden.json';

interface Metric {
  name: string;
  value: number;
  baseline?: number;
  higher_is_better: boolean;
  dataset?: string;
}

export interface EvaluationInsightsInput {
  metrics: Metric[];
  goal?: string;
}

interface Insight {
  metric: string;
  insight: string;
}

interface EvaluationInsightsOutput {
  strengths: Insight[];
  weaknesses: Insight[];
  recommendations: { action: string; rationale: string; priority: 'high' | 'medium' | 'low' }[];
}

/** Each metric against its baseline, computed here rather than left to the model's arithmetic. */
interface Comparison {
  metric: string;
  value: number;
  baseline: number;
  delta: number;
  improved: boolean;
}

const PRIORITIES = ['high', 'medium', 'low'] as const;

/** The answer's schema; `metric` names are narrowed to the input's when a run is prepared. */
function insightsSchema(metricNames?: string[]): JsonSchema {
  const metric = metricNames === undefined ? { type: 'string', minLength: 1 } : { enum: metricNames };
  const insights = {
    type: 'array',
    items: { type: 'object', properties: { metric, insight: { type: 'string', minLength: 1 } }, required: ['metric', 'insight'], additionalProperties: false },
  };
  return {
    type: 'object',
    properties: {
      strengths: insights,
      weaknesses: insights,
      recommendations: {
        type: 'array',
        items: {
          type: 'object',
          properties: { action: { type: 'string', minLength: 1 }, rationale: { type: 'string', minLength: 1 }, priority: { enum: [...PRIORITIES] } },
          required: ['action', 'rationale', 'priority'],
          additionalProperties: false,
        },
      },
    },
    required: ['strengths', 'weaknesses', 'recommendations'],
    additionalProperties: false,
  };
}

export const evaluationInsightsTask: TaskDefinition<
  EvaluationInsightsInput,
  EvaluationInsightsOutput,
  Comparison[],
  EvaluationInsightsOutput & { comparisons: Comparison[] }
> = {
  name: 'evaluation-insights',
  description:
    'Evaluation metrics in (value, optional baseline, which direction is better); strengths, weaknesses and prioritised recommendations out, each naming a supplied metric, with the deltas against baselines computed exactly.',
  prompt: 'task-evaluation-insights',
  inputSchema: {
    type: 'object',
    properties: {
      metrics: {
        type: 'array',
        minItems: 1,
        maxItems: 200,
        items: {
          type: 'object',
          properties: {
            name: { type: 'string', minLength: 1, maxLength: 200 },
            value: { type: 'number' },
            baseline: { type: 'number' },
            higher_is_better: { type: 'boolean', default: true },
            dataset: { type: 'string', minLength: 1, maxLength: 200 },
          },
          required: ['name', 'value'],
          additionalProperties: false,
        },
      },
      goal: { type: 'string', minLength: 1, maxLength: 2000 },
    },
    required: ['metrics'],
    additionalProperties: false,
  },
  outputSchema: insightsSchema(),
  async: true,
  failClosed: false,
  prepare(input) {
    const names = input.metrics.map((metric) => metric.name);
    const repeated = names.findIndex((name, index) => names.indexOf(name) !== index);
    if (repeated !== -1) {
      throw new InvalidRequestError(`Metric names must be unique: '${names[repeated]}' is given twice.`, { param: `input.metrics[${repeated}].name` });
    }
    const comparisons = input.metrics.flatMap((metric) =>
      metric.baseline === undefined
        ? []
        : [
            {
              metric: metric.name,
              value: metric.value,
              baseline: metric.baseline,
              delta: metric.value - metric.baseline,
              improved: metric.higher_is_better ? metric.value > metric.baseline : metric.value < metric.baseline,
            },
          ],
    );
    return {
      variables: { metrics: input.metrics, comparisons, goal: input.goal ?? 'a model that is better on every metric than its baseline' },
      outputSchema: insightsSchema(names),
      context: comparisons,
    };
  },
  finish(_input, output, comparisons) {
    return { ...output, comparisons };
  },
  golden: golden as TaskDefinition['golden'],
};
