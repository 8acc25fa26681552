import type { PromptStore } from '../store/prompt-store';
import { type RepoPromptFile, readPromptFiles } from './read-prompt-files';

export interface LoadedRepoPrompt {
  file: string;
  name: string;
  version: number;
  /** False when the file was unchanged since the version it matches was stored. */
  added: boolean;
}

/**
 * Stores the prompts folder's prompts, shared by every tenant. Run by every
 * gateway at start: an unchanged file adds nothing, a changed one adds a
 * version and moves its labels to it, once however many gateways start
 * together. A prompt whose file is gone is left as it was (requests may still
 * name it). Throws `PromptFileError` before storing anything if a file is bad.
 */
export async function loadRepoPrompts(store: PromptStore, dir: string): Promise<LoadedRepoPrompt[]> {
  return storeRepoPrompts(store, readPromptFiles(dir));
}

/** `loadRepoPrompts` for files already read and checked (`readPromptFiles`). */
export async function storeRepoPrompts(store: PromptStore, files: readonly RepoPromptFile[]): Promise<LoadedRepoPrompt[]> {
  const loaded: LoadedRepoPrompt[] = [];
  for (const prompt of files) {
    const { version, added } = await store.syncRepoPrompt(prompt.name, prompt.version, prompt.labels);
    loaded.push({ file: prompt.file, name: prompt.name, version, added });
  }
  return loaded;
}
