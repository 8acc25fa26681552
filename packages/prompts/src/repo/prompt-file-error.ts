/** A file of the prompts folder that cannot be loaded; the message names the file and the field. */
export class PromptFileError extends Error {
  constructor(
    readonly file: string,
    readonly field: string | null,
    reason: string,
  ) {
    super(`Invalid prompt file ${file}${field === null ? '' : ` (${field})`}: ${reason}`);
    this.name = 'PromptFileError';
  }
}
