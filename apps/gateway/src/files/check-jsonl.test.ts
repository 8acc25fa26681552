import { describe, expect, it } from 'vitest';
import { checkJsonl } from './check-jsonl';

const check = (text: string | Buffer) => () => checkJsonl(Buffer.isBuffer(text) ? text : Buffer.from(text));

describe('checkJsonl', () => {
  it('accepts JSON objects one a line, with blank lines, CRLF, a BOM and no final newline', () => {
    expect(check('{"a":1}\r\n\n  \n{"b":[1,2]}')).not.toThrow();
    expect(check('\ufeff{"a":1}\n')).not.toThrow();
  });

  it('names the first line that is not a JSON object', () => {
    expect(check('{"a":1}\n{"a":\n{}')).toThrow(/^Line 2 of the file is not valid JSON/);
    expect(check('{}\n\n\n42\n')).toThrow('Line 4 of the file is not a JSON object.');
    expect(check('{}\nnull')).toThrow('Line 2 of the file is not a JSON object.');
    expect(check('[{}]')).toThrow('Line 1 of the file is not a JSON object.');
  });

  it('refuses an empty file and bytes that are not UTF-8', () => {
    expect(check('')).toThrow(/empty/);
    expect(check('\n\r\n')).toThrow(/empty/);
    expect(check(Buffer.from([0x7b, 0x7d, 0x0a, 0xc3]))).toThrow(/UTF-8/);
  });

  it('marks the file as the parameter at fault', () => {
    expect(check('nope')).toThrow(expect.objectContaining({ param: 'file', code: 'invalid_request' }));
  });
});
