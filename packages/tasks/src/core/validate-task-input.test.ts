import { describe, expect, it } from 'vitest';
import { runGoldenChecks, valuesAt } from '../golden/run-golden-checks';
import { validateTaskInput } from './validate-task-input';

const schema = {
  type: 'object',
  properties: {
    question: { type: 'string', minLength: 1 },
    style: { enum: ['short', 'long'], default: 'short' },
    documents: { type: 'array', items: { type: 'object', properties: { id: { type: 'string' } }, required: ['id'], additionalProperties: false } },
  },
  required: ['question'],
  additionalProperties: false,
};

describe('validateTaskInput', () => {
  it('fills defaults in a copy', () => {
    const given = { question: 'why?' };
    expect(validateTaskInput(schema, given)).toEqual({ question: 'why?', style: 'short' });
    expect(given).toEqual({ question: 'why?' });
  });

  it.each([
    [{}, 'input.question', /Missing required field/],
    [{ question: 'q', style: 'medium' }, 'input.style', /one of "short", "long"/],
    [{ question: 'q', extra: 1 }, 'input.extra', /Unknown field/],
    [{ question: 'q', documents: [{ id: 'a' }, { id: 7 }] }, 'input.documents[1].id', /must be string/],
    [{ question: 'q', documents: [{}] }, 'input.documents[0].id', /Missing/],
  ])('refuses %j naming %s', (input, param, message) => {
    expect(() => validateTaskInput(schema, input)).toThrow(
      expect.objectContaining({ param, code: 'invalid_request', message: expect.stringMatching(message) }),
    );
  });
});

describe('runGoldenChecks', () => {
  const input = { documents: [{ id: 'a' }, { id: 'b' }] };
  const output = { citations: [{ id: 'a' }, { id: 'b' }], text: 'hello [EMAIL]', list: [] };

  it('reads paths with indexes and wildcards', () => {
    expect(valuesAt({ input }, 'input.documents[*].id')).toEqual(['a', 'b']);
    expect(valuesAt({ input }, 'input.documents[1].id')).toEqual(['b']);
    expect(valuesAt({ input }, 'input.nothing')).toEqual([]);
  });

  it('passes what holds and says what does not', () => {
    expect(
      runGoldenChecks(
        [
          { path: 'output.citations[*].id', within: 'input.documents[*].id' },
          { path: 'output.text', contains: '[EMAIL]', notContains: '@' },
          { path: 'output.citations', minItems: 2 },
          { path: 'output.missing', absent: true },
        ],
        input,
        output,
      ),
    ).toEqual([]);
    expect(
      runGoldenChecks(
        [
          { path: 'output.citations[*].id', within: 'input.nothing[*]' },
          { path: 'output.list', nonEmpty: true },
          { path: 'output.gone', type: 'string' },
          { path: 'output.text', notContains: 'hello' },
        ],
        input,
        output,
      ),
    ).toEqual([
      'output.citations[*].id holds "a", not among input.nothing[*]',
      'output.citations[*].id holds "b", not among input.nothing[*]',
      'output.list is empty',
      'output.gone reaches nothing',
      'output.text still holds "hello"',
    ]);
  });
});
