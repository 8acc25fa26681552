import { Inject, Injectable } from '@nestjs/common';
import {
  type CallerIdentity,
  type DeletedFile,
  type FileList,
  type FileListQuery,
  type FileObject,
  fileUploadSchema,
  NotFoundError,
  parseParameters,
} from '@switchyard/contracts';
import type { FileRepository, StoredFile } from '@switchyard/database';
import type { FastifyRequest } from 'fastify';
import { FILES, MAX_FILE_BYTES } from '../tokens';
import { checkJsonl } from './check-jsonl';
import { toFileObject } from './file-object';
import { readFileUpload } from './read-file-upload';

/** Purposes whose files are JSON Lines, served as such. */
const JSONL_PURPOSES = ['batch', 'batch_output'];

@Injectable()
export class FilesService {
  constructor(
    @Inject(FILES) private readonly files: FileRepository,
    @Inject(MAX_FILE_BYTES) private readonly maxFileBytes: number,
  ) {}

  async upload(request: FastifyRequest, caller: CallerIdentity): Promise<FileObject> {
    const { purpose, file } = parseParameters(fileUploadSchema, await readFileUpload(request, this.maxFileBytes));
    if (JSONL_PURPOSES.includes(purpose)) checkJsonl(file.content);
    return toFileObject(await this.files.create({ tenant: caller.tenant, purpose, filename: file.filename, content: file.content }));
  }

  async get(id: string, caller: CallerIdentity): Promise<FileObject> {
    return toFileObject(await this.find(id, caller));
  }

  async content(id: string, caller: CallerIdentity): Promise<{ contentType: string; content: Buffer }> {
    const file = await this.find(id, caller);
    const content = await this.files.content(id, caller.tenant);
    // Deleted between the two reads.
    if (content === undefined) throw noSuchFile(id);
    return { contentType: JSONL_PURPOSES.includes(file.purpose) ? 'application/jsonl' : 'application/octet-stream', content };
  }

  async list(caller: CallerIdentity, query: FileListQuery): Promise<FileList> {
    const page = await this.files.list(caller.tenant, {
      limit: query.limit,
      ...(query.purpose === undefined ? {} : { purpose: query.purpose }),
      ...(query.after === undefined ? {} : { after: query.after }),
      ...(query.order === undefined ? {} : { order: query.order }),
    });
    const data = page.files.map(toFileObject);
    return { object: 'list', data, first_id: data[0]?.id ?? null, last_id: data.at(-1)?.id ?? null, has_more: page.hasMore };
  }

  async delete(id: string, caller: CallerIdentity): Promise<DeletedFile> {
    if (!(await this.files.delete(id, caller.tenant))) throw noSuchFile(id);
    return { id, object: 'file', deleted: true };
  }

  private async find(id: string, caller: CallerIdentity): Promise<StoredFile> {
    const file = await this.files.get(id, caller.tenant);
    if (file === undefined) throw noSuchFile(id);
    return file;
  }
}

/** Also the answer for another tenant's file: its existence is not theirs to learn. */
function noSuchFile(id: string): NotFoundError {
  return new NotFoundError(`No such File object: ${id}`);
}
