export { type RenderedPrompt, renderPrompt } from './rendering/render-prompt';
export { selectVariant } from './rendering/select-variant';
export { CachedPromptResolver, type CachedPromptResolverOptions } from './requests/cached-prompt-resolver';
export { type PromptResolver, stickinessKey } from './requests/prompt-resolver';
export { type RenderContext, type RenderedChatRequest, renderPromptedRequest } from './requests/render-prompted-request';
export { assignSplitArm } from './splits/assign-split-arm';
export { validateSplit } from './splits/validate-split';
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
