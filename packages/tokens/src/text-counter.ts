import type { EncodeOptions } from 'gpt-tokenizer/GptEncoding';
import type { EncodingName } from './tokenizer-for-model';

interface Encoding {
  countTokens(text: string, options?: EncodeOptions): number;
}

const loaded = new Map<EncodingName, Encoding>();

/**
 * Loaded on first use, not at import: each encoding takes 0.1-0.2 s to load
 * and 15-35 MB of heap, and most processes need one or none of them.
 */
export function loadEncoding(name: EncodingName): Encoding {
  let found = loaded.get(name);
  if (found === undefined) {
    found = (name === 'o200k_base' ? require('gpt-tokenizer/encoding/o200k_base') : require('gpt-tokenizer/encoding/cl100k_base')) as Encoding;
    loaded.set(name, found);
  }
  return found;
}

/**
 * A caller's text may contain `<|endoftext|>` and the like; the library
 * refuses those by default. Here they are ordinary characters, as providers
 * treat them in message content.
 */
const SPECIAL_AS_TEXT: EncodeOptions = { disallowedSpecial: new Set<string>() };

/**
 * BPE time grows with the square of a piece's length (100 k letters with no
 * break take seconds), so runs this long are counted in slices of this size.
 * A slice boundary may split one token in two: at most one token per slice
 * over, on text (base64, minified code) whose count is rough anyway.
 */
export const MAX_RUN = 256;
const LONG_RUN = new RegExp(`\\S{${MAX_RUN},}|\\s{${MAX_RUN},}`, 'g');

/**
 * Characters counted exactly per request; past them the count goes on at the
 * ratio measured so far. BPE runs at 0.5-2 µs a character on text it has
 * not seen, so a huge prompt costs at most about 0.2 s (4 MiB of base64: 90 ms).
 */
export const EXACT_CHAR_BUDGET = 128 * 1024;

/** Without a measured ratio (the budget spent on nothing): the usual 4 characters a token of English. */
const CHARS_PER_TOKEN = 4;

/**
 * Counts the texts of one request. Holds the request's budget, so make one
 * per request.
 */
export class TextCounter {
  private exactChars = 0;
  private exactTokens = 0;
  private readonly encoding: Encoding;

  constructor(
    name: EncodingName,
    private readonly budget = EXACT_CHAR_BUDGET,
  ) {
    this.encoding = loadEncoding(name);
  }

  count(text: string): number {
    if (text.length === 0) return 0;
    const left = this.budget - this.exactChars;
    if (text.length <= left) return this.exact(text);
    let cut = Math.max(0, left);
    // Never between the two halves of a surrogate pair.
    if (cut > 0 && isHighSurrogate(text.charCodeAt(cut - 1))) cut -= 1;
    const counted = cut > 0 ? this.exact(text.slice(0, cut)) : 0;
    const ratio = this.exactChars > 0 ? this.exactTokens / this.exactChars : 1 / CHARS_PER_TOKEN;
    return counted + Math.ceil((text.length - cut) * ratio);
  }

  private exact(text: string): number {
    let tokens = 0;
    let from = 0;
    for (const run of text.matchAll(LONG_RUN)) {
      tokens += this.encode(text.slice(from, run.index));
      for (const slice of slices(run[0])) tokens += this.encode(slice);
      from = run.index + run[0].length;
    }
    tokens += this.encode(from === 0 ? text : text.slice(from));
    this.exactChars += text.length;
    this.exactTokens += tokens;
    return tokens;
  }

  private encode(text: string): number {
    return text.length === 0 ? 0 : this.encoding.countTokens(text, SPECIAL_AS_TEXT);
  }
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

function* slices(run: string): Generator<string> {
  let from = 0;
  while (from < run.length) {
    let to = Math.min(run.length, from + MAX_RUN);
    if (to < run.length && isHighSurrogate(run.charCodeAt(to - 1))) to -= 1;
    yield run.slice(from, to);
    from = to;
  }
}
