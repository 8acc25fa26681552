import { describe, expect, it } from 'vitest';
import { feedbackCreateSchema } from './feedback';
import { parseBody, parseParameters } from './parse-request';
import { promptStatsQuerySchema } from './prompt-stats';

const DAY_MS = 24 * 3600 * 1000;

describe('promptStatsQuerySchema', () => {
  it('reads the 7 days before now, every label, when given nothing', () => {
    const before = Date.now();
    const query = parseParameters(promptStatsQuerySchema, {});
    expect(query.to.getTime()).toBeGreaterThanOrEqual(before);
    expect(query.to.getTime() - query.from.getTime()).toBe(7 * DAY_MS);
    expect(query.label).toBeNull();
  });

  it('takes unix seconds or ISO 8601 for either end', () => {
    expect(parseParameters(promptStatsQuerySchema, { from: '1767225600', to: '2026-01-02T00:00:00Z', label: 'helpful' })).toStrictEqual({
      from: new Date('2026-01-01T00:00:00Z'),
      to: new Date('2026-01-02T00:00:00Z'),
      label: 'helpful',
    });
    expect(parseParameters(promptStatsQuerySchema, { to: '1767225600.5' }).to).toStrictEqual(new Date('2026-01-01T00:00:00.500Z'));
  });

  it.each([
    [{ from: 'last week' }, 'from', 'from must be unix seconds or an ISO 8601 date or time.'],
    [{ to: ['1', '2'] }, 'to', 'to must be unix seconds or an ISO 8601 date or time.'],
    [{ from: '2026-02-01', to: '2026-01-01' }, 'from', 'from must be before to, at most 366 days apart.'],
    [{ from: '1600000000', to: '1700000000' }, 'from', 'from must be before to, at most 366 days apart.'],
    [{ label: '' }, 'label', 'label must be a short string.'],
  ])('refuses %o, naming %s', (parameters, param, message) => {
    expect(() => parseParameters(promptStatsQuerySchema, parameters)).toThrow(expect.objectContaining({ param, message }));
  });
});

describe('feedbackCreateSchema', () => {
  it('takes a score, a label or both, with an optional comment', () => {
    expect(parseBody(feedbackCreateSchema, { request_id: 'r1', score: -0.5 })).toStrictEqual({ request_id: 'r1', score: -0.5 });
    expect(parseBody(feedbackCreateSchema, { request_id: 'r1', label: 'wrong_tone', comment: 'Too formal.' })).toMatchObject({ label: 'wrong_tone' });
  });

  it('refuses a score whose mean could overflow, naming score', () => {
    expect(() => parseBody(feedbackCreateSchema, { request_id: 'r1', score: 1e308 })).toThrow(expect.objectContaining({ param: 'score' }));
  });

  it('refuses feedback with neither, naming score', () => {
    expect(() => parseBody(feedbackCreateSchema, { request_id: 'r1', comment: 'hmm' })).toThrow(
      expect.objectContaining({ param: 'score', message: expect.stringContaining('Feedback needs a score, a label or both.') }),
    );
  });
});
