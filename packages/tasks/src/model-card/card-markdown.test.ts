import { describe, expect, it } from 'vitest';
import { cardMarkdown } from './card-markdown';

describe('cardMarkdown', () => {
  it('lays the card out as Markdown, escaping table pipes and leaving empty sections out', () => {
    const markdown = cardMarkdown({
      name: 'tiny <lm>',
      version: null,
      details: [{ label: 'License', value: 'MIT | BSD' }],
      summary: 'A tiny model & friends.',
      intended_use: 'Demos.',
      out_of_scope_use: [],
      limitations: ['Short\ncontext'],
      risks: [],
      evaluation: { summary: 'Fine.', results: [{ dataset: 'toy', split: null, metric: 'acc', value: 0.5 }] },
    });
    expect(markdown).toBe(
      [
        '# tiny <lm>',
        '',
        'A tiny model & friends.',
        '',
        '## Model details',
        '',
        '| Field | Value |',
        '| --- | --- |',
        '| License | MIT \\| BSD |',
        '',
        '## Intended use',
        '',
        'Demos.',
        '',
        '## Evaluation',
        '',
        'Fine.',
        '',
        '| Dataset | Split | Metric | Value |',
        '| --- | --- | --- | --- |',
        '| toy | — | acc | 0.5 |',
        '',
        '## Limitations',
        '',
        '- Short context',
        '',
      ].join('\n'),
    );
  });
});
