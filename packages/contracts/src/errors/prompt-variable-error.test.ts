import { describe, expect, it } from 'vitest';
import { toHttpError } from './openai-error-body';
import { PromptVariableError } from './prompt-variable-error';

describe('PromptVariableError', () => {
  it('is a 400 invalid_request_error whose param names the variable', () => {
    const http = toHttpError(new PromptVariableError('city', 'missing', "The template uses 'city', which was not given."));
    expect(http.status).toBe(400);
    expect(http.body.error).toMatchObject({ type: 'invalid_request_error', code: 'invalid_request', param: 'prompt.variables.city' });
    expect(http.body.error.message).toContain('city');
  });
});
