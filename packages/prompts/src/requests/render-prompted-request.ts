import {
  type ChatCompletionRequest,
  chatCompletionRequestSchema,
  InvalidRequestError,
  type PromptedChatRequest,
  type PromptReference,
  promptModelMissing,
  toInvalidRequestError,
} from '@switchyard/contracts';
import { renderPrompt } from '../rendering/render-prompt';
import { requestDefaults } from '../rendering/request-defaults';
import { selectVariant } from '../rendering/select-variant';
import type { PromptResolver } from './prompt-resolver';

/** The chat request a prompted body becomes, and the prompt it was rendered from (for the job and its usage row). */
export interface RenderedChatRequest {
  request: ChatCompletionRequest;
  prompt: PromptReference;
}

export interface RenderContext {
  tenant: string;
  stickinessKey: string;
  /**
   * The public model a name routes to (an alias gives its model's name), so
   * a variant written for the model serves its aliases too; undefined when
   * the name cannot be routed (the request is refused for that later).
   */
  publicModelOf?: (model: string) => string | undefined;
}

/**
 * Renders a body that names a prompt into the chat request a worker runs:
 * the version's messages (its variant's, for the model the request uses),
 * then the caller's own; the caller's model, else the version's; the
 * version's parameters and response format where the caller set none. The
 * result has no `prompt` field, and is validated as any chat request is.
 */
export async function renderPromptedRequest(resolver: PromptResolver, body: PromptedChatRequest, context: RenderContext): Promise<RenderedChatRequest> {
  const { prompt, ...own } = body;
  const selector = prompt.version !== undefined ? { version: prompt.version } : prompt.label !== undefined ? { label: prompt.label } : {};
  const { version, label } = await resolver.resolve(context.tenant, prompt.name, selector, context.stickinessKey);
  const model = own.model ?? version.model;
  if (model === null || model === undefined) throw promptModelMissing(prompt.name);
  const rendered = renderPrompt(version, (prompt.variables ?? {}) as Record<string, unknown>, { model: variantModel(version, model, context) });

  const request = requestDefaults(rendered.parameters);
  if (rendered.responseFormat !== null) request.response_format = rendered.responseFormat;
  for (const [field, value] of Object.entries(own)) if (value !== undefined) request[field] = value;
  request.model = model;
  request.messages = [...rendered.messages, ...(own.messages ?? [])];

  const checked = chatCompletionRequestSchema.safeParse(request);
  if (!checked.success) {
    const error = toInvalidRequestError(checked.error);
    throw new InvalidRequestError(`Prompt '${prompt.name}' version ${version.version} renders an invalid request: ${error.message}`, {
      param: error.param,
      cause: error,
    });
  }
  return { request: checked.data, prompt: { name: prompt.name, version: version.version, variant: rendered.variant, label } };
}

/** The name the variant is chosen by: the model as named, else (for an alias) the model it routes to. */
function variantModel(version: Parameters<typeof selectVariant>[0], model: string, context: RenderContext): string {
  if (selectVariant(version, model) !== undefined) return model;
  const routed = context.publicModelOf?.(model);
  return routed !== undefined && selectVariant(version, routed) !== undefined ? routed : model;
}
