import type { TaskDefinition } from '../core/task-definition';
import golden from './golden.json';

export interface SummarizeInput {
  text: string;
  length: 'short' | 'medium' | 'long';
  style: 'paragraph' | 'bullets' | 'headline';
  audience?: string;
}

interface SummarizeOutput {
  summary: string;
  key_points: string[];
}

/** How long each `length` is, in the prompt's words. */
const LENGTH_GUIDE: Record<SummarizeInput['length'], string> = {
  short: 'one or two sentences',
  medium: 'three to five sentences',
  long: 'two or three paragraphs',
};

export const summarizeTask: TaskDefinition<SummarizeInput, SummarizeOutput, undefined, SummarizeOutput & Pick<SummarizeInput, 'length' | 'style'>> = {
  name: 'summarize',
  description: 'A summary of a text, of a given length (short, medium, long) and style (paragraph, bullets, headline), with its key points.',
  prompt: 'task-summarize',
  inputSchema: {
    type: 'object',
    properties: {
      text: { type: 'string', minLength: 1, maxLength: 200_000 },
      length: { enum: ['short', 'medium', 'long'], default: 'medium' },
      style: { enum: ['paragraph', 'bullets', 'headline'], default: 'paragraph' },
      audience: { type: 'string', minLength: 1, maxLength: 200 },
    },
    required: ['text'],
    additionalProperties: false,
  },
  outputSchema: {
    type: 'object',
    properties: {
      summary: { type: 'string', minLength: 1 },
      key_points: { type: 'array', items: { type: 'string', minLength: 1 }, maxItems: 10 },
    },
    required: ['summary', 'key_points'],
    additionalProperties: false,
  },
  async: true,
  failClosed: false,
  prepare(input) {
    return {
      variables: {
        text: input.text,
        style: input.style,
        length_guide: LENGTH_GUIDE[input.length],
        audience: input.audience ?? 'a general reader',
      },
      outputSchema: this.outputSchema,
      context: undefined,
    };
  },
  finish(input, output) {
    return { ...output, length: input.length, style: input.style };
  },
  golden: golden as TaskDefinition['golden'],
};
