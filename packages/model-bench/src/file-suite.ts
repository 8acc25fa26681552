import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { type BenchCase, type SuiteChatRequest, UsageError } from './bench-case';

/** What a line may expect of the answer's text; each field given is one check. */
interface Expected {
  exact?: string;
  contains?: string | string[];
  json_schema?: Record<string, unknown>;
}

const ajv = new Ajv({ allErrors: false, strict: false });

function checksOf(expected: Expected, where: string): ((text: string) => boolean)[] {
  const checks: ((text: string) => boolean)[] = [];
  if (expected.exact !== undefined) {
    if (typeof expected.exact !== 'string') throw new UsageError(`${where}: "expected.exact" must be a string.`);
    const exact = expected.exact;
    checks.push((text) => text.trim() === exact.trim());
  }
  if (expected.contains !== undefined) {
    const parts = Array.isArray(expected.contains) ? expected.contains : [expected.contains];
    if (!parts.every((part) => typeof part === 'string')) throw new UsageError(`${where}: "expected.contains" must be a string or a list of strings.`);
    for (const part of parts) checks.push((text) => text.includes(part));
  }
  if (expected.json_schema !== undefined) {
    let validate: ReturnType<typeof ajv.compile>;
    try {
      validate = ajv.compile(expected.json_schema);
    } catch (error) {
      throw new UsageError(`${where}: "expected.json_schema" is not a JSON Schema (${(error as Error).message}).`);
    }
    checks.push((text) => {
      try {
        return validate(JSON.parse(text)) === true;
      } catch {
        return false;
      }
    });
  }
  const unknown = Object.keys(expected).filter((key) => !['exact', 'contains', 'json_schema'].includes(key));
  if (unknown.length > 0) throw new UsageError(`${where}: "expected" knows exact, contains and json_schema, not ${unknown.join(', ')}.`);
  return checks;
}

/** A JSONL suite: each line a chat request (its `model` is ignored), with an optional `expected`. */
export function fileSuite(path: string): BenchCase[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new UsageError(`Cannot read the suite file ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}.`);
  }
  const cases: BenchCase[] = [];
  text.split('\n').forEach((line, index) => {
    if (line.trim() === '') return;
    const where = `${path}:${index + 1}`;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      throw new UsageError(`${where}: not a JSON object.`);
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new UsageError(`${where}: not a JSON object.`);
    const { expected, name, ...request } = parsed as SuiteChatRequest & { expected?: Expected; name?: string };
    if (!Array.isArray(request.messages) || request.messages.length === 0) throw new UsageError(`${where}: a chat request needs a non-empty "messages" list.`);
    if (expected !== undefined && (typeof expected !== 'object' || expected === null)) throw new UsageError(`${where}: "expected" must be an object.`);
    const checks = checksOf(expected ?? {}, where);
    cases.push({
      kind: 'chat',
      name: typeof name === 'string' ? name : `line ${index + 1}`,
      request,
      checks: checks.length,
      score: (answer) => ({ passed: checks.filter((check) => check(answer)).length, total: checks.length }),
    });
  });
  if (cases.length === 0) throw new UsageError(`The suite file ${path} holds no requests.`);
  return cases;
}
