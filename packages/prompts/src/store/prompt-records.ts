/** One chat message of a template; `content` is Mustache text filled from the variables. */
export interface TemplateMessage {
  role: 'system' | 'user' | 'assistant' | 'developer' | 'tool';
  content: string;
  name?: string;
}

/** A different template or parameters used when the request is routed to `model` (a model or an alias). */
export interface PromptVariant {
  model: string;
  messages?: TemplateMessage[];
  parameters?: Record<string, unknown>;
}

/** What a save carries; the store adds the number, the tenant and the time. */
export interface NewPromptVersion {
  messages: TemplateMessage[];
  model?: string | null;
  parameters?: Record<string, unknown>;
  /** A JSON Schema (type object) declaring every variable the templates may use. */
  variables?: Record<string, unknown>;
  responseFormat?: Record<string, unknown> | null;
  variants?: PromptVariant[];
  author?: string | null;
  note?: string | null;
}

export interface PromptVersion {
  prompt: string;
  version: number;
  messages: TemplateMessage[];
  model: string | null;
  parameters: Record<string, unknown>;
  variables: Record<string, unknown>;
  responseFormat: Record<string, unknown> | null;
  variants: PromptVariant[];
  author: string | null;
  note: string | null;
  createdAt: Date;
}

/** One arm of a label: `weight` percent of traffic goes to `version`. */
export interface SplitArm {
  version: number;
  weight: number;
}

export interface PromptLabel {
  label: string;
  /** A label that points at one version holds a split of one arm at 100. */
  split: SplitArm[];
  updatedAt: Date;
}

/** `repo`: from the prompts folder, shared by every tenant and read-only; `api`: the tenant's own. */
export type PromptSource = 'api' | 'repo';

export interface PromptSummary {
  name: string;
  latestVersion: number;
  createdAt: Date;
  labels: PromptLabel[];
  source: PromptSource;
}

export interface PromptDetail {
  name: string;
  createdAt: Date;
  source: PromptSource;
  versions: PromptVersion[];
  labels: PromptLabel[];
}

/** How a caller names which version to use: a number, a label, or neither (label `production`, else the latest). */
export interface PromptSelector {
  version?: number;
  label?: string;
}
