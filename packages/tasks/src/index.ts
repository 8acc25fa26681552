export type { AnyTask, GoldenCase, GoldenCheck, JsonSchema, TaskDefinition, TaskRequest } from './core/task-definition';
export { inputParam, validateTaskInput } from './core/validate-task-input';
export { runGoldenChecks, valuesAt } from './golden/run-golden-checks';
export { mergeSpans, redact } from './pii-detect/merge-spans';
export { patternPass } from './pii-detect/pattern-pass';
export { PII_TYPES, type PiiSpan, type PiiType } from './pii-detect/pii-types';
export { TASKS, taskNamed } from './registry';
