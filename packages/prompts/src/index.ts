export { type RenderedPrompt, renderPrompt } from './rendering/render-prompt';
export { selectVariant } from './rendering/select-variant';
export { assignSplitArm } from './splits/assign-split-arm';
export { validateSplit } from './splits/validate-split';
export { SIGNIFICANCE_LEVEL, type TestResult } from './stats/significance';
export { chooseBaseline, summarizePromptStats, versionStats } from './stats/summarize-prompt-stats';
export { type Proportion, twoProportionZTest } from './stats/two-proportion-z-test';
export { type SampleSummary, welchTTest } from './stats/welch-t-test';
export type {
  NewPromptVersion,
  PromptDetail,
  PromptLabel,
  PromptSelector,
  PromptSummary,
  PromptVariant,
  PromptVersion,
  SplitArm,
  TemplateMessage,
} from './store/prompt-records';
export { DEFAULT_LABEL, PromptStore, type ResolvedPrompt } from './store/prompt-store';
