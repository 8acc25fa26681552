export type { AnyTask, GoldenCase, GoldenCheck, JsonSchema, TaskDefinition, TaskRequest } from './core/task-definition';
export { inputParam, validateTaskInput } from './core/validate-task-input';
export { runGoldenChecks, valuesAt } from './golden/run-golden-checks';
export { cardMarkdown, type ModelCard } from './model-card/card-markdown';
export { mergeSpans, redact } from './pii-detect/merge-spans';
export { patternPass } from './pii-detect/pattern-pass';
export { PII_TYPES, type PiiSpan, type PiiType } from './pii-detect/pii-types';
export { citationProblems, quoteFound } from './rag-answer/check-citations';
export { TASKS, taskNamed } from './registry';
