import type { PromptVersion, TemplateMessage } from '../store/prompt-records';
import { selectVariant } from './select-variant';
import { checkTemplate, renderStrict } from './strict-mustache';
import { validateVariables } from './variables-validator';

export interface RenderedPrompt {
  messages: TemplateMessage[];
  /** The model the request should use: the caller's choice, else the version's. */
  model: string | null;
  /** The version's default parameters, overlaid by the variant's. */
  parameters: Record<string, unknown>;
  responseFormat: Record<string, unknown> | null;
  /** The model of the variant used, or null when the base template was. */
  variant: string | null;
}

/**
 * Fills a version's template with the caller's variables. Variables are
 * checked against the declared schema first, so an ill-typed or undeclared
 * one is named before any text is produced; a name the template uses but
 * nobody gave is named while rendering.
 */
export function renderPrompt(version: PromptVersion, variables: Record<string, unknown>, options: { model?: string | null } = {}): RenderedPrompt {
  const filled = validateVariables(version.variables, variables);
  const model = options.model ?? version.model;
  const variant = selectVariant(version, model);
  const templates = variant?.messages ?? version.messages;
  const messages = templates.map((message, index) => {
    checkTemplate(message.content, `messages[${index}].content`);
    return { ...message, content: renderStrict(message.content, filled) };
  });
  return {
    messages,
    model,
    parameters: { ...version.parameters, ...variant?.parameters },
    responseFormat: version.responseFormat,
    variant: variant?.model ?? null,
  };
}
