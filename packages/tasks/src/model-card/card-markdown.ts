import Mustache from 'mustache';

export interface ModelCard {
  name: string;
  version: string | null;
  details: { label: string; value: string }[];
  summary: string;
  intended_use: string;
  out_of_scope_use: string[];
  limitations: string[];
  risks: string[];
  evaluation: { summary: string; results: { dataset: string; split: string | null; metric: string; value: number }[] };
}

/** Logic-less on purpose: what the card says is decided in the JSON; this only lays it out. */
const TEMPLATE = `# {{name}}{{#version}} ({{version}}){{/version}}

{{summary}}

## Model details

| Field | Value |
| --- | --- |
{{#details}}
| {{label}} | {{value}} |
{{/details}}

## Intended use

{{intended_use}}
{{#has_out_of_scope}}

Out of scope:

{{#out_of_scope_use}}
- {{.}}
{{/out_of_scope_use}}
{{/has_out_of_scope}}

## Evaluation

{{evaluation_summary}}

| Dataset | Split | Metric | Value |
| --- | --- | --- | --- |
{{#results}}
| {{dataset}} | {{split}} | {{metric}} | {{value}} |
{{/results}}
{{#has_limitations}}

## Limitations

{{#limitations}}
- {{.}}
{{/limitations}}
{{/has_limitations}}
{{#has_risks}}

## Risks

{{#risks}}
- {{.}}
{{/risks}}
{{/has_risks}}
`;

/** A table cell or list item on one line, with the pipes that would end a cell escaped. */
const cell = (text: string) => text.replace(/\s*\n\s*/g, ' ').replaceAll('|', '\\|');
const line = (text: string) => text.replace(/\s*\n\s*/g, ' ');

/** The card as Markdown (Markdown is not HTML: nothing is HTML-escaped). */
export function cardMarkdown(card: ModelCard): string {
  const view = {
    name: line(card.name),
    version: card.version === null ? null : line(card.version),
    summary: card.summary,
    details: card.details.map((detail) => ({ label: cell(detail.label), value: cell(detail.value) })),
    intended_use: card.intended_use,
    has_out_of_scope: card.out_of_scope_use.length > 0,
    out_of_scope_use: card.out_of_scope_use.map(line),
    evaluation_summary: card.evaluation.summary,
    results: card.evaluation.results.map((result) => ({
      dataset: cell(result.dataset),
      split: cell(result.split ?? '—'),
      metric: cell(result.metric),
      value: String(result.value),
    })),
    has_limitations: card.limitations.length > 0,
    limitations: card.limitations.map(line),
    has_risks: card.risks.length > 0,
    risks: card.risks.map(line),
  };
  return Mustache.render(TEMPLATE, view, {}, { escape: (text: string) => text });
}
