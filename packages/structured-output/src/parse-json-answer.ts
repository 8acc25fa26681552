import { jsonrepair } from 'jsonrepair';

export type ParsedAnswer = { ok: true; value: unknown; text: string; repaired: boolean } | { ok: false; error: string };

const FENCED = /```[a-zA-Z0-9_-]*[ \t]*\r?\n?([\s\S]*?)(?:```|$)/;

/**
 * Reads a model's answer as JSON. Exact JSON is taken as it is; otherwise the
 * JSON is cut out of what surrounds it (a Markdown fence, prose before the
 * first bracket or after the matching last one) and handed to jsonrepair,
 * which closes truncated text and fixes quotes, commas and comments.
 * jsonrepair alone would turn "Here it is: {...}" into an error, and
 * "{...} Hope this helps" into an array of the object and the prose, so the
 * cutting comes first.
 */
export function parseJsonAnswer(raw: string): ParsedAnswer {
  const exact = tryParse(raw);
  if (exact.ok) return { ok: true, value: exact.value, text: raw.trim(), repaired: false };

  const candidate = jsonCandidateIn(raw);
  if (candidate === undefined) return { ok: false, error: 'The answer is not JSON: it has no JSON object or array.' };
  const cut = tryParse(candidate);
  if (cut.ok) return { ok: true, value: cut.value, text: JSON.stringify(cut.value), repaired: true };
  try {
    const value: unknown = JSON.parse(jsonrepair(candidate));
    return { ok: true, value, text: JSON.stringify(value), repaired: true };
  } catch (error) {
    return { ok: false, error: `The answer is not valid JSON and could not be repaired: ${(error as Error).message}` };
  }
}

function tryParse(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

/** The part of `raw` that should be the JSON: a fence's inside if there is one, then from the first `{`/`[` to its matching close. */
function jsonCandidateIn(raw: string): string | undefined {
  const fenced = FENCED.exec(raw)?.[1];
  const text = fenced !== undefined && /[[{]/.test(fenced) ? fenced : raw;
  const start = text.search(/[[{]/);
  if (start < 0) return undefined;
  return text.slice(start, matchingEnd(text, start));
}

/**
 * Just past the bracket that closes the one at `start`, skipping brackets
 * inside strings; the text's end when it never closes (a truncated answer,
 * which jsonrepair completes).
 */
function matchingEnd(text: string, start: number): number {
  let depth = 0;
  let inString = false;
  for (let i = start; i < text.length; i++) {
    const char = text[i];
    if (inString) {
      if (char === '\\') i++;
      else if (char === '"') inString = false;
    } else if (char === '"') inString = true;
    else if (char === '{' || char === '[') depth++;
    else if (char === '}' || char === ']') {
      depth--;
      if (depth === 0) return i + 1;
    }
  }
  return text.length;
}
