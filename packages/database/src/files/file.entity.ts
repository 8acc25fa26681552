import { EntitySchema } from 'typeorm';
import type { StoredFileRow } from './stored-file';

export const FileEntity = new EntitySchema<StoredFileRow>({
  name: 'File',
  tableName: 'files',
  columns: {
    id: { type: 'text', primary: true },
    tenant: { type: 'text' },
    purpose: { type: 'text' },
    filename: { type: 'text' },
    bytes: { type: 'int' },
    // Not selected unless asked for: metadata reads must never drag up to 100 MiB out of the database.
    content: { type: 'bytea', select: false },
    createdAt: { name: 'created_at', type: 'timestamptz', createDate: true },
  },
});
