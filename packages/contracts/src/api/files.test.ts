import { describe, expect, it } from 'vitest';
import { fileListQuerySchema, fileUploadSchema } from './files';
import { parseParameters } from './parse-request';

const file = { filename: 'input.jsonl', content: Buffer.from('{}\n') };

describe('fileUploadSchema', () => {
  it('takes a batch file', () => {
    expect(parseParameters(fileUploadSchema, { purpose: 'batch', file })).toStrictEqual({ purpose: 'batch', file });
  });

  it.each([
    [{ file }, 'purpose', "Missing required field 'purpose'."],
    [{ purpose: 'fine-tune', file }, 'purpose', 'purpose must be one of: batch.'],
    [{ purpose: '', file: undefined }, 'purpose', 'purpose must be one of: batch.'],
    [{ purpose: 'batch' }, 'file', "Missing required file part 'file'."],
    [{ purpose: 'batch', file: { ...file, filename: 'a\u0000.jsonl' } }, 'file', 'The filename must not contain NUL characters.'],
    [{ purpose: 'batch', file: { ...file, filename: 'a'.repeat(256) } }, 'file', 'The filename is longer than 255 characters.'],
  ])('refuses %j naming %s', (form, param, message) => {
    expect(() => parseParameters(fileUploadSchema, form)).toThrow(expect.objectContaining({ param, message }));
  });
});

describe('fileListQuerySchema', () => {
  it('lists up to 10,000 files by default', () => {
    expect(parseParameters(fileListQuerySchema, { order: 'asc' })).toStrictEqual({ limit: 10_000, order: 'asc' });
  });

  it.each([
    [{ limit: '0' }, 'limit', 'limit must be a whole number from 1 to 10000.'],
    [{ limit: '2.5' }, 'limit', 'limit must be a whole number from 1 to 10000.'],
    [{ purpose: ['batch', 'batch'] }, 'purpose', 'purpose must be given once, as a string.'],
    [{ after: ['a', 'b'] }, 'after', 'after must be given once, as a string.'],
    [{ order: 'sideways' }, 'order', "order must be 'asc' or 'desc'."],
  ])('refuses %j naming %s', (query, param, message) => {
    expect(() => parseParameters(fileListQuerySchema, query)).toThrow(expect.objectContaining({ param, message }));
  });
});
