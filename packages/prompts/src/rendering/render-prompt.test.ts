import { PromptVariableError } from '@switchyard/contracts';
import { describe, expect, it } from 'vitest';
import type { PromptVersion } from '../store/prompt-records';
import { renderPrompt } from './render-prompt';

function version(overrides: Partial<PromptVersion> = {}): PromptVersion {
  return {
    prompt: 'weather',
    version: 1,
    messages: [
      { role: 'system', content: 'You answer in {{language}}.' },
      { role: 'user', content: 'Weather in {{city}} for {{days}} days?{{#tags}} #{{.}}{{/tags}}' },
    ],
    model: 'fast',
    parameters: { temperature: 0.2, max_tokens: 100 },
    variables: {
      type: 'object',
      properties: {
        language: { type: 'string' },
        city: { type: 'string' },
        days: { type: 'integer', minimum: 1 },
        tags: { type: 'array', items: { type: 'string' } },
      },
      required: ['language', 'city'],
    },
    responseFormat: null,
    variants: [],
    author: null,
    note: null,
    createdAt: new Date(0),
    ...overrides,
  };
}

function rejection(run: () => unknown): PromptVariableError {
  try {
    run();
  } catch (error) {
    if (error instanceof PromptVariableError) return error;
    throw error;
  }
  throw new Error('expected a PromptVariableError');
}

describe('renderPrompt', () => {
  it('fills every message, without HTML escaping', () => {
    const rendered = renderPrompt(version(), { language: 'French', city: 'Rock & <Roll>', days: 3, tags: ['a', 'b'] });
    expect(rendered).toStrictEqual({
      messages: [
        { role: 'system', content: 'You answer in French.' },
        { role: 'user', content: 'Weather in Rock & <Roll> for 3 days? #a #b' },
      ],
      model: 'fast',
      parameters: { temperature: 0.2, max_tokens: 100 },
      responseFormat: null,
      variant: null,
    });
  });

  it('names a variable the template uses that was not given, instead of printing nothing', () => {
    const error = rejection(() => renderPrompt(version(), { language: 'French', city: 'Oslo', tags: [] }));
    expect(error).toMatchObject({ variable: 'days', problem: 'missing', param: 'prompt.variables.days' });
  });

  it('names a required variable that was not given', () => {
    const error = rejection(() => renderPrompt(version(), { language: 'French', days: 2, tags: [] }));
    expect(error).toMatchObject({ variable: 'city', problem: 'missing', param: 'prompt.variables.city' });
  });

  it('names a variable the version does not declare', () => {
    const error = rejection(() => renderPrompt(version(), { language: 'French', city: 'Oslo', days: 2, tags: [], mood: 'sunny' }));
    expect(error).toMatchObject({ variable: 'mood', problem: 'undeclared', param: 'prompt.variables.mood' });
  });

  it.each([
    ['days', { days: 'three' }],
    ['days', { days: 0 }],
    ['tags.1', { tags: ['a', 2] }],
  ])('names the ill-typed variable %s', (name, bad) => {
    const error = rejection(() => renderPrompt(version(), { language: 'French', city: 'Oslo', days: 2, tags: [], ...bad }));
    expect(error).toMatchObject({ variable: name, problem: 'invalid', param: `prompt.variables.${name}` });
  });

  it('refuses a null where text is expected', () => {
    const open = version({ variables: { type: 'object', properties: { name: {} } }, messages: [{ role: 'user', content: 'Hi {{name}}' }] });
    expect(rejection(() => renderPrompt(open, { name: null }))).toMatchObject({ variable: 'name', problem: 'missing' });
  });

  it("fills a variable the caller left out with its declared default, leaving the caller's object as it was", () => {
    const withDefault = version({
      variables: { type: 'object', properties: { tone: { enum: ['brief', 'detailed'], default: 'brief' }, city: { type: 'string' } }, required: ['city'] },
      messages: [{ role: 'user', content: 'A {{tone}} forecast for {{city}}.' }],
    });
    const given = { city: 'Oslo' };
    expect(renderPrompt(withDefault, given).messages[0]?.content).toBe('A brief forecast for Oslo.');
    expect(renderPrompt(withDefault, { city: 'Oslo', tone: 'detailed' }).messages[0]?.content).toBe('A detailed forecast for Oslo.');
    expect(given).toStrictEqual({ city: 'Oslo' });
  });

  it('uses the variant of the model the request is routed to', () => {
    const withVariant = version({
      variants: [{ model: 'claude', messages: [{ role: 'user', content: '<city>{{city}}</city>' }], parameters: { temperature: 0 } }],
    });
    const variables = { language: 'French', city: 'Oslo', days: 1, tags: [] };
    expect(renderPrompt(withVariant, variables, { model: 'claude' })).toMatchObject({
      messages: [{ role: 'user', content: '<city>Oslo</city>' }],
      model: 'claude',
      parameters: { temperature: 0, max_tokens: 100 },
      variant: 'claude',
    });
    expect(renderPrompt(withVariant, variables)).toMatchObject({ model: 'fast', variant: null, parameters: { temperature: 0.2 } });
  });
});
