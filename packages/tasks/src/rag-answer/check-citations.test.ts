import { describe, expect, it } from 'vitest';
import { citationProblems, quoteFound } from './check-citations';
import { ragAnswerTask } from './rag-answer-task';

describe('citationProblems', () => {
  const ids = new Set(['a', 'b']);

  it('accepts citations of supplied documents', () => {
    expect(citationProblems([{ document_id: 'a', quote: '' }], true, ids)).toStrictEqual([]);
    expect(citationProblems([], false, ids)).toStrictEqual([]);
  });

  it('names each unknown id, and an answerable answer without citations', () => {
    expect(
      citationProblems(
        [
          { document_id: 'a', quote: '' },
          { document_id: 'zz', quote: '' },
        ],
        true,
        ids,
      ),
    ).toStrictEqual(["citations[1] names 'zz', which is not a supplied document id"]);
    expect(citationProblems([], true, ids)).toStrictEqual(['the answer cites no document']);
  });
});

describe('quoteFound', () => {
  it('finds a quote whatever its whitespace and case', () => {
    expect(quoteFound('within  30 DAYS', 'Refunds are available within 30 days\nof purchase.')).toBe(true);
    expect(quoteFound('within 60 days', 'Refunds are available within 30 days.')).toBe(false);
    expect(quoteFound('  ', 'anything')).toBe(false);
  });
});

describe('ragAnswerTask', () => {
  const input = { question: 'Colour?', documents: [{ id: 'doc-a', text: 'The door is red.' }] };

  it('narrows the answer schema to the supplied ids', () => {
    const { outputSchema } = ragAnswerTask.prepare(input);
    expect(outputSchema).toMatchObject({ properties: { citations: { items: { properties: { document_id: { enum: ['doc-a'] } } } } } });
  });

  it('refuses an answer citing an unknown id as task_output_invalid, and marks quotes not found', () => {
    expect(() => ragAnswerTask.finish(input, { answer: 'Red.', answerable: true, citations: [{ document_id: 'doc-z', quote: 'red' }] }, undefined)).toThrow(
      expect.objectContaining({
        code: 'task_output_invalid',
        param: 'output',
        details: expect.objectContaining({ errors: [expect.stringContaining("'doc-z'")] }),
      }),
    );
    const result = ragAnswerTask.finish(input, { answer: 'Red.', answerable: true, citations: [{ document_id: 'doc-a', quote: 'door is blue' }] }, undefined);
    expect(result.citations).toStrictEqual([{ document_id: 'doc-a', quote: 'door is blue', quote_found: false }]);
  });
});
