import { answer, body, errors, pathParameter } from './openapi-schemas';

const name = pathParameter('name', "The prompt's name.");

/** The prompts API's paths: versioned templates, movable labels, a render preview. */
export function promptPaths(): Record<string, unknown> {
  return {
    '/v1/prompts': {
      post: {
        operationId: 'createPromptVersion',
        summary:
          "Add a version of a prompt (the prompt is made by its first); versions never change. `labels` move to it. A prompts folder prompt's name makes your own prompt, which takes precedence for your tenant",
        requestBody: body('PromptCreateRequest'),
        responses: { 201: answer('The new version', 'PromptVersion'), ...errors(400, 401, 429) },
      },
      get: {
        operationId: 'listPrompts',
        summary: "Your tenant's prompts and the prompts folder's (`source: repo`), yours where a name is in both",
        responses: { 200: answer('The prompts', 'PromptList'), ...errors(401) },
      },
    },
    '/v1/prompts/{name}': {
      parameters: [name],
      get: {
        operationId: 'getPrompt',
        summary: 'A prompt: every version, oldest first, and its labels',
        responses: { 200: answer('The prompt', 'Prompt'), ...errors(401, 404) },
      },
    },
    '/v1/prompts/{name}/versions/{version}': {
      parameters: [name, pathParameter('version', 'The version number.')],
      get: {
        operationId: 'getPromptVersion',
        summary: 'One version of a prompt',
        responses: { 200: answer('The version', 'PromptVersion'), ...errors(400, 401, 404) },
      },
    },
    '/v1/prompts/{name}/labels/{label}': {
      parameters: [name, pathParameter('label', 'The label (`production`, `staging`, …).')],
      put: {
        operationId: 'setPromptLabel',
        summary: 'Point a label at a version, or split it between versions (weights add up to 100); makes no version. 403 for a prompts folder prompt',
        requestBody: body('PromptLabelSetRequest'),
        responses: { 200: answer('The label', 'PromptLabel'), ...errors(400, 401, 403, 404, 429) },
      },
    },
    '/v1/prompts/{name}/render': {
      parameters: [name],
      post: {
        operationId: 'renderPrompt',
        summary: 'Fill a version with variables and show the messages and parameters a request would send, without calling a model',
        requestBody: body('PromptRenderRequest'),
        responses: { 200: answer('The rendered prompt', 'PromptRender'), ...errors(400, 401, 404, 429) },
      },
    },
  };
}
