import type { FileObject } from '@switchyard/contracts';
import type { StoredFile } from '@switchyard/database';

export function toFileObject(file: StoredFile): FileObject {
  return {
    id: file.id,
    object: 'file',
    bytes: file.bytes,
    created_at: Math.floor(file.createdAt.getTime() / 1000),
    filename: file.filename,
    purpose: file.purpose,
    status: 'processed',
  };
}
