import { InvalidRequestError, PromptVariableError } from '@switchyard/contracts';
import Mustache from 'mustache';

/**
 * Mustache, made strict: a name the template uses but the variables lack is an
 * error instead of an empty string. Mustache looks a name up through every
 * enclosing section before giving up, so the check sits at the end of that
 * walk and a field of a list item is found where Mustache would find it.
 */
class StrictContext extends Mustache.Context {
  override push(view: unknown): Mustache.Context {
    return new StrictContext(view, this);
  }

  override lookup(name: string): unknown {
    const value: unknown = super.lookup(name);
    if (value === undefined) throw missing(name);
    return value;
  }
}

/** A null is as empty as an absent value when printed, so it is refused too (a section may still test it). */
class StrictWriter extends Mustache.Writer {
  override escapedValue(token: string[], context: Mustache.Context): string {
    return this.printed(token, context);
  }

  override unescapedValue(token: string[], context: Mustache.Context): string {
    return this.printed(token, context);
  }

  private printed(token: string[], context: Mustache.Context): string {
    const name = token[1] ?? '';
    const value: unknown = context.lookup(name);
    if (value === null) throw missing(name);
    // Prompts are not HTML: values go in as given, `{{x}}` and `{{{x}}}` alike.
    return typeof value === 'object' ? JSON.stringify(value) : String(value);
  }
}

const missing = (name: string) => new PromptVariableError(name, 'missing', `The template uses the variable '${name}', which was not given.`);

const writer = new StrictWriter();

/** Parses once per distinct template (Mustache keeps the parse), throwing a 400 naming `param` when it is not valid Mustache. */
export function checkTemplate(template: string, param: string): void {
  try {
    writer.parse(template);
  } catch (error) {
    throw new InvalidRequestError(`${param} is not a valid Mustache template: ${(error as Error).message}`, { param, cause: error });
  }
  if (hasPartial(writer.parse(template))) {
    throw new InvalidRequestError(`${param} uses a partial ({{> name}}); prompt templates cannot include other templates.`, { param });
  }
}

export function renderStrict(template: string, variables: Record<string, unknown>): string {
  const tokens = writer.parse(template);
  return writer.renderTokens(tokens, new StrictContext(variables), undefined, template, undefined);
}

type Token = [string, string, number, number, Token[]?];

function hasPartial(tokens: unknown[]): boolean {
  return (tokens as Token[]).some((token) => token[0] === '>' || (Array.isArray(token[4]) && hasPartial(token[4])));
}
