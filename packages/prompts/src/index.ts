export { type RenderedPrompt, renderPrompt } from './rendering/render-prompt';
export { selectVariant } from './rendering/select-variant';
export { type LoadedRepoPrompt, loadRepoPrompts, storeRepoPrompts } from './repo/load-repo-prompts';
export { PromptFileError } from './repo/prompt-file-error';
export { type RepoPromptFile, readPromptFile, readPromptFiles } from './repo/read-prompt-files';
export { CachedPromptResolver, type CachedPromptResolverOptions } from './requests/cached-prompt-resolver';
export { type PromptResolver, stickinessKey } from './requests/prompt-resolver';
export { type RenderContext, type RenderedChatRequest, renderPromptedRequest } from './requests/render-prompted-request';
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
  PromptSource,
  PromptSummary,
  PromptVariant,
  PromptVersion,
  SplitArm,
  TemplateMessage,
} from './store/prompt-records';
export { DEFAULT_LABEL, PromptStore, REPO_PROMPTS_SCOPE, type RepoPromptSync, type ResolvedPrompt } from './store/prompt-store';
export { toNewPromptVersion } from './store/to-new-prompt-version';
