import { describe, expect, it } from 'vitest';
import { mockModelId, parseModelDirectives } from './mock-behaviour';

describe('model directives', () => {
  it.each([
    { model: 'echo', expected: {} },
    { model: 'echo@latency=2000', expected: { latencyMs: 2000 } },
    { model: 'echo@status=429;retry_after=1', expected: { status: 429, retryAfterSeconds: 1 } },
    { model: 'echo@hang', expected: { hang: true } },
    { model: 'echo@malformed', expected: { malformed: true } },
    { model: 'echo@tps=50', expected: { tokensPerSecond: 50 } },
    { model: 'echo@break_after=3', expected: { breakStreamAfterChunks: 3 } },
    { model: 'echo@reply=hello', expected: { reply: 'hello' } },
    { model: 'echo@hang=0;malformed=false', expected: { hang: false, malformed: false } },
    { model: 'echo@schema_break=truncated', expected: { schemaBreak: 'truncated' } },
    { model: 'echo@schema_break=code_fence;schema_break_times=2', expected: { schemaBreak: 'code_fence', schemaBreakTimes: 2 } },
    { model: 'echo@schema_break=sideways;schema_break_times=-1', expected: {} },
    { model: 'echo@colour=blue;status=200;latency=-5;tps=fast;status=502', expected: { status: 502 } },
  ])('reads $model', ({ model, expected }) => {
    expect(parseModelDirectives(model)).toEqual({ baseModel: 'echo', directives: expected });
  });

  it('round-trips behaviour through mockModelId', () => {
    const behaviour = { latencyMs: 5, status: 429, retryAfterSeconds: 2, hang: true, reply: 'a;b=c d%' };

    expect(mockModelId(behaviour)).toBe('echo@latency=5;status=429;retry_after=2;hang;reply=a%3Bb%3Dc%20d%25');
    expect(parseModelDirectives(mockModelId(behaviour)).directives).toEqual(behaviour);
  });

  it('round-trips the schema_break directives', () => {
    const behaviour = { schemaBreak: 'missing_field', schemaBreakTimes: 1 } as const;
    expect(mockModelId(behaviour)).toBe('echo@schema_break=missing_field;schema_break_times=1');
    expect(parseModelDirectives(mockModelId(behaviour)).directives).toEqual(behaviour);
  });
});
