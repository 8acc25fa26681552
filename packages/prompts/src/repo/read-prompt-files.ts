import { readdirSync, readFileSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { formatParamPath, promptFileSchema, SwitchyardError } from '@switchyard/contracts';
import { parse } from 'yaml';
import { checkPromptName, checkPromptVersion } from '../store/check-prompt-version';
import type { NewPromptVersion } from '../store/prompt-records';
import { DEFAULT_LABEL } from '../store/prompt-store';
import { toNewPromptVersion } from '../store/to-new-prompt-version';
import { PromptFileError } from './prompt-file-error';

/** One file of the prompts folder, checked as thoroughly as `POST /v1/prompts` checks a body. */
export interface RepoPromptFile {
  file: string;
  name: string;
  version: NewPromptVersion;
  labels: string[];
}

const PROMPT_FILE = /\.ya?ml$/;

/**
 * Reads and checks every `*.yaml` / `*.yml` file of `dir` (not its
 * subfolders), in name order. All are checked before any is stored, so one
 * bad file leaves the database as it was; it throws `PromptFileError`.
 */
export function readPromptFiles(dir: string): RepoPromptFile[] {
  const files = readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isFile() && PROMPT_FILE.test(entry.name))
    .map((entry) => entry.name)
    .sort();
  const prompts = files.map((file) => readPromptFile(join(dir, file)));
  const seen = new Map<string, string>();
  for (const prompt of prompts) {
    const earlier = seen.get(prompt.name);
    if (earlier !== undefined) throw new PromptFileError(prompt.file, 'name', `the prompt '${prompt.name}' is also defined by ${earlier}`);
    seen.set(prompt.name, prompt.file);
  }
  return prompts;
}

export function readPromptFile(path: string): RepoPromptFile {
  let document: unknown;
  try {
    document = parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new PromptFileError(path, null, `not valid YAML: ${(error as Error).message}`);
  }
  const result = promptFileSchema.safeParse(document ?? {});
  if (!result.success) {
    const issue = result.error.issues[0];
    if (issue?.code === 'unrecognized_keys') throw new PromptFileError(path, formatParamPath([...issue.path, issue.keys[0] ?? '']), 'unknown field');
    throw new PromptFileError(path, issue === undefined ? null : formatParamPath(issue.path), issue?.message ?? 'invalid');
  }
  const { name: named, labels = [DEFAULT_LABEL], ...fields } = result.data;
  const name = named ?? basename(path, extname(path));
  const version = toNewPromptVersion(fields);
  try {
    checkPromptName(name, 'name');
    for (const [index, label] of labels.entries()) checkPromptName(label, `labels[${index}]`);
    checkPromptVersion(version);
  } catch (error) {
    if (SwitchyardError.isInstance(error)) throw new PromptFileError(path, error.param, error.message);
    throw error;
  }
  return { file: path, name, version, labels };
}
