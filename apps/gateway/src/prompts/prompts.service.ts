import { Inject, Injectable } from '@nestjs/common';
import {
  type CallerIdentity,
  InvalidRequestError,
  NotFoundError,
  type PromptCreateRequest,
  type PromptDetailObject,
  type PromptLabelObject,
  type PromptLabelSetRequest,
  type PromptList,
  type PromptRender,
  type PromptRenderRequest,
  PromptVariableError,
  type PromptVersionObject,
  SwitchyardError,
} from '@switchyard/contracts';
import { type CachedPromptResolver, type NewPromptVersion, type PromptStore, renderPrompt, toNewPromptVersion } from '@switchyard/prompts';
import { taskPromptVariables } from '@switchyard/tasks';
import { PROMPT_RESOLVER, PROMPT_STORE } from '../tokens';
import { toPromptDetailObject, toPromptLabelObject, toPromptSummaryObject, toPromptVersionObject } from './prompt-objects';

/** The prompts API over `PromptStore`, always as the caller's tenant: another tenant's prompt reads as missing. */
@Injectable()
export class PromptsService {
  constructor(
    @Inject(PROMPT_STORE) private readonly prompts: PromptStore,
    // Requests reuse what a label picked for a few seconds: a move made here is seen by this gateway at once.
    @Inject(PROMPT_RESOLVER) private readonly resolver: CachedPromptResolver,
  ) {}

  async create(caller: CallerIdentity, { name, labels, ...fields }: PromptCreateRequest): Promise<PromptVersionObject> {
    const version = toNewPromptVersion(fields);
    checkRunsItsTask(name, version);
    const saved = await this.prompts.saveVersion(caller.tenant, name, version, labels ?? []);
    this.resolver.invalidate(caller.tenant, name);
    return toPromptVersionObject(saved);
  }

  async list(caller: CallerIdentity): Promise<PromptList> {
    return { object: 'list', data: (await this.prompts.list(caller.tenant)).map(toPromptSummaryObject) };
  }

  async get(caller: CallerIdentity, name: string): Promise<PromptDetailObject> {
    const prompt = await this.prompts.get(caller.tenant, name);
    if (prompt === undefined) throw noSuchPrompt(name);
    return toPromptDetailObject(prompt);
  }

  async version(caller: CallerIdentity, name: string, version: string): Promise<PromptVersionObject> {
    const number = versionNumber(version);
    const found = await this.prompts.version(caller.tenant, name, number);
    if (found !== undefined) return toPromptVersionObject(found);
    if ((await this.prompts.get(caller.tenant, name)) === undefined) throw noSuchPrompt(name);
    throw new NotFoundError(`Prompt '${name}' has no version ${number}.`);
  }

  async setLabel(caller: CallerIdentity, name: string, label: string, body: PromptLabelSetRequest): Promise<PromptLabelObject> {
    const target = body.version ?? body.split ?? [];
    const moved = await this.prompts.setLabel(caller.tenant, name, label, target);
    this.resolver.invalidate(caller.tenant, name);
    return toPromptLabelObject(name, moved);
  }

  /** What a chat request naming this prompt would send, without calling a model. */
  async render(caller: CallerIdentity, name: string, request: PromptRenderRequest): Promise<PromptRender> {
    const selector = request.version !== undefined ? { version: request.version } : request.label !== undefined ? { label: request.label } : {};
    const { version, label } = await this.prompts.resolve(caller.tenant, name, selector, request.user ?? caller.user ?? caller.keyId);
    let rendered: ReturnType<typeof renderPrompt>;
    try {
      rendered = renderPrompt(version, request.variables ?? {}, { model: request.model ?? null });
    } catch (error) {
      throw asBodyVariableError(error);
    }
    return {
      object: 'prompt.render',
      name,
      version: version.version,
      label,
      messages: rendered.messages,
      model: rendered.model,
      parameters: rendered.parameters,
      response_format: rendered.responseFormat,
      variant: rendered.variant,
    };
  }
}

const noSuchPrompt = (name: string) => new NotFoundError(`No prompt named '${name}'.`);

function versionNumber(text: string): number {
  const number = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(number) || number < 1) {
    throw new InvalidRequestError('version must be a positive whole number.', { param: 'version' });
  }
  return number;
}

/**
 * `PromptVariableError` names `prompt.variables.<name>`, the field of a chat
 * request; here the variables are the body's own `variables`, so the param
 * says so.
 */
function asBodyVariableError(error: unknown): unknown {
  if (!(error instanceof PromptVariableError)) return error;
  return new SwitchyardError(error.code, error.message, { param: `variables.${error.variable}`, details: error.details, cause: error });
}

/**
 * A tenant's own version of a task's prompt replaces the shared one for its
 * task runs: it must render with the variables the task gives it (one set per
 * golden example), or every run would fail naming a variable its caller never sent.
 */
function checkRunsItsTask(name: string, version: NewPromptVersion): void {
  const uses = taskPromptVariables(name);
  if (uses === undefined) return;
  const candidate = { prompt: name, version: 0, createdAt: new Date(), ...version, model: version.model ?? null } as Parameters<typeof renderPrompt>[0];
  for (const { task, variables } of uses) {
    try {
      renderPrompt(candidate, variables);
    } catch (error) {
      if (!SwitchyardError.isInstance(error)) throw error;
      throw new InvalidRequestError(
        `Prompt '${name}' is the prompt of task '${task}', which renders it with the variables ${Object.keys(variables).join(', ')}: ${error.message}`,
        { param: 'variables' },
      );
    }
  }
}
