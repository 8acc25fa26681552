import type { PromptDetailObject, PromptLabelObject, PromptSummaryObject, PromptVersionObject } from '@switchyard/contracts';
import type { PromptDetail, PromptLabel, PromptSummary, PromptVersion, SplitArm } from '@switchyard/prompts';

const unixSeconds = (at: Date) => Math.floor(at.getTime() / 1000);

/** A version as the API answers it: snake_case, times in Unix seconds, like OpenAI's objects. */
export function toPromptVersionObject(version: PromptVersion): PromptVersionObject {
  return {
    object: 'prompt.version',
    name: version.prompt,
    version: version.version,
    messages: version.messages,
    model: version.model,
    parameters: version.parameters,
    variables: version.variables,
    response_format: version.responseFormat,
    variants: version.variants,
    author: version.author,
    note: version.note,
    created_at: unixSeconds(version.createdAt),
  };
}

function labelMap(labels: PromptLabel[]): Record<string, SplitArm[]> {
  return Object.fromEntries(labels.map((label) => [label.label, label.split]));
}

export function toPromptSummaryObject(prompt: PromptSummary): PromptSummaryObject {
  return {
    object: 'prompt',
    name: prompt.name,
    latest_version: prompt.latestVersion,
    labels: labelMap(prompt.labels),
    created_at: unixSeconds(prompt.createdAt),
    source: prompt.source,
  };
}

export function toPromptDetailObject(prompt: PromptDetail): PromptDetailObject {
  return {
    object: 'prompt',
    name: prompt.name,
    latest_version: prompt.versions.at(-1)?.version ?? 0,
    labels: labelMap(prompt.labels),
    created_at: unixSeconds(prompt.createdAt),
    source: prompt.source,
    versions: prompt.versions.map(toPromptVersionObject),
  };
}

export function toPromptLabelObject(name: string, label: PromptLabel): PromptLabelObject {
  return { object: 'prompt.label', name, label: label.label, split: label.split, updated_at: unixSeconds(label.updatedAt) };
}
