import { InvalidRequestError, TaskOutputInvalidError } from '@switchyard/contracts';
import type { JsonSchema, TaskDefinition } from '../core/task-definition';
import { type Citation, citationProblems, quoteFound } from './check-citations';
import golden from './golden.json';

export interface RagAnswerInput {
  question: string;
  documents: { id: string; title?: string; text: string }[];
}

interface RagAnswerOutput {
  answer: string;
  answerable: boolean;
  citations: Citation[];
}

export interface RagAnswerResult {
  answer: string;
  answerable: boolean;
  /** `quote_found`: whether the quoted passage is in the cited document (a quote that is not is kept, and marked). */
  citations: (Citation & { quote_found: boolean })[];
}

/** The answer's schema; the document ids are narrowed to the supplied ones when a run is prepared. */
function answerSchema(documentIds?: string[]): JsonSchema {
  return {
    type: 'object',
    properties: {
      answer: { type: 'string', minLength: 1 },
      answerable: { type: 'boolean' },
      citations: {
        type: 'array',
        items: {
          type: 'object',
          properties: {
            document_id: documentIds === undefined ? { type: 'string', minLength: 1 } : { enum: documentIds },
            quote: { type: 'string' },
          },
          required: ['document_id', 'quote'],
          additionalProperties: false,
        },
      },
    },
    required: ['answer', 'answerable', 'citations'],
    additionalProperties: false,
  };
}

export const ragAnswerTask: TaskDefinition<RagAnswerInput, RagAnswerOutput, undefined, RagAnswerResult> = {
  name: 'rag-answer',
  description:
    "A question and your documents (each with an id) in; an answer whose citations name supplied ids. The ids are the only ones the answer's schema allows, so the structured-output path re-asks an answer citing another; one that still does is refused (422 task_output_invalid).",
  prompt: 'task-rag-answer',
  inputSchema: {
    type: 'object',
    properties: {
      question: { type: 'string', minLength: 1, maxLength: 4000 },
      documents: {
        type: 'array',
        minItems: 1,
        maxItems: 50,
        items: {
          type: 'object',
          properties: {
            id: { type: 'string', pattern: '^[A-Za-z0-9._:/#-]{1,128}$' },
            title: { type: 'string', minLength: 1, maxLength: 500 },
            text: { type: 'string', minLength: 1, maxLength: 50_000 },
          },
          required: ['id', 'text'],
          additionalProperties: false,
        },
      },
    },
    required: ['question', 'documents'],
    additionalProperties: false,
  },
  outputSchema: answerSchema(),
  async: false,
  failClosed: false,
  prepare(input) {
    const ids = input.documents.map((document) => document.id);
    const repeated = ids.findIndex((id, index) => ids.indexOf(id) !== index);
    if (repeated !== -1)
      throw new InvalidRequestError(`Document ids must be unique: '${ids[repeated]}' is given twice.`, { param: `input.documents[${repeated}].id` });
    return { variables: { question: input.question, documents: input.documents }, outputSchema: answerSchema(ids), context: undefined };
  },
  finish(input, output) {
    const texts = new Map(input.documents.map((document) => [document.id, document.text]));
    const problems = citationProblems(output.citations, output.answerable, new Set(texts.keys()));
    if (problems.length > 0) throw new TaskOutputInvalidError('rag-answer', problems);
    return {
      answer: output.answer,
      answerable: output.answerable,
      citations: output.citations.map((citation) => ({ ...citation, quote_found: quoteFound(citation.quote, texts.get(citation.document_id) ?? '') })),
    };
  },
  golden: golden as TaskDefinition['golden'],
};
