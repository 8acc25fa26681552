/** A file's metadata: what listing and lookups return. The bytes are read on their own (`FileRepository.content`). */
export interface StoredFile {
  /** `file-` and 24 hex digits, like OpenAI's ids. */
  id: string;
  tenant: string;
  /** `batch` for uploads; the gateway may store others of its own (batch output). */
  purpose: string;
  filename: string;
  bytes: number;
  createdAt: Date;
}

/** One row of `files`, bytes included. */
export interface StoredFileRow extends StoredFile {
  content: Buffer;
}
