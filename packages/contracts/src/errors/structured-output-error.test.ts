import { describe, expect, it } from 'vitest';
import { deserializeError, serializeError, toHttpError } from './openai-error-body';
import { StructuredOutputInvalidError } from './structured-output-error';

describe('structured_output_invalid', () => {
  it('is a 422 quoting the last validation errors, and not retried on the same route', () => {
    const error = new StructuredOutputInvalidError(["/ must have required property 'tags'", '/year must be integer'], { reasks: 2, provider: 'groq' });
    expect(error.retryable).toBe(false);
    const http = toHttpError(error);
    expect(http.status).toBe(422);
    expect(http.body.error).toMatchObject({
      type: 'invalid_response_error',
      code: 'structured_output_invalid',
      param: 'response_format',
      errors: ["/ must have required property 'tags'", '/year must be integer'],
      reasks: 2,
      provider: 'groq',
    });
    expect(http.body.error.message).toContain("after 2 re-asks: / must have required property 'tags'; /year must be integer");
  });

  it('quotes at most ten errors, and survives the trip through a job result', () => {
    const many = Array.from({ length: 30 }, (_, i) => `/items/${i} must be number`);
    const error = new StructuredOutputInvalidError(many, { reasks: 1 });
    expect(error.details?.errors).toHaveLength(10);
    expect(error.message).toContain('after 1 re-ask:');
    const rebuilt = deserializeError(serializeError(error));
    expect(toHttpError(rebuilt)).toStrictEqual(toHttpError(error));
  });
});
