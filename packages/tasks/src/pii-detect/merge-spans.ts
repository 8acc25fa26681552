import type { PiiSpan, PiiType } from './pii-types';

/** What the model answers: the text of each finding (models place offsets badly, so the text is located here). */
export interface ModelPiiFinding {
  type: PiiType;
  text: string;
}

/** Every place `needle` occurs in `text`. */
function occurrences(text: string, needle: string): number[] {
  const at: number[] = [];
  for (let from = text.indexOf(needle); from !== -1; from = text.indexOf(needle, from + needle.length)) at.push(from);
  return at;
}

/**
 * The pattern spans and the model's findings as one list, by position. A
 * finding is placed at every occurrence of its text; one whose text is not
 * in the input is left out and counted. Where spans overlap, a pattern
 * span keeps its type and bounds (it was confirmed) and gains the model as
 * a source; two model spans that overlap become the longer.
 */
export function mergeSpans(text: string, pattern: readonly PiiSpan[], findings: readonly ModelPiiFinding[]): { spans: PiiSpan[]; unlocated: number } {
  const spans: PiiSpan[] = pattern.map((span) => ({ ...span, sources: [...span.sources] }));
  let unlocated = 0;
  for (const finding of findings) {
    const needle = finding.text.trim();
    const positions = needle === '' ? [] : occurrences(text, needle);
    if (positions.length === 0) unlocated++;
    for (const start of positions) {
      const candidate: PiiSpan = { type: finding.type, start, end: start + needle.length, text: needle, sources: ['model'] };
      const clashing = spans.filter((span) => span.start < candidate.end && candidate.start < span.end);
      if (clashing.length === 0) {
        spans.push(candidate);
        continue;
      }
      for (const span of clashing) if (!span.sources.includes('model')) span.sources.push('model');
      const longest = clashing.reduce((a, b) => (b.end - b.start > a.end - a.start ? b : a));
      // A model span wider than every model-only span it overlaps replaces them; pattern spans stay as they were.
      if (clashing.every((span) => !span.sources.includes('pattern')) && candidate.end - candidate.start > longest.end - longest.start) {
        for (const span of clashing) spans.splice(spans.indexOf(span), 1);
        spans.push(candidate);
      }
    }
  }
  return { spans: spans.sort((a, b) => a.start - b.start), unlocated };
}

/** The text with each span replaced by its type in brackets (`[EMAIL]`). Spans must not overlap (mergeSpans' never do). */
export function redact(text: string, spans: readonly PiiSpan[]): string {
  let out = '';
  let at = 0;
  for (const span of [...spans].sort((a, b) => a.start - b.start)) {
    out += `${text.slice(at, span.start)}[${span.type.toUpperCase()}]`;
    at = span.end;
  }
  return out + text.slice(at);
}
