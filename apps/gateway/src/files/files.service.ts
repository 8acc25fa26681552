import { Inject, Injectable } from '@nestjs/common';
import { type CallerIdentity, InvalidRequestError, NotFoundError } from '@switchyard/contracts';
import type { FileRepository, StoredFile } from '@switchyard/database';
import type { FastifyRequest } from 'fastify';
import { FILES, MAX_FILE_BYTES } from '../tokens';
import { checkJsonl } from './check-jsonl';
import { type FileList, type FileObject, toFileObject } from './file-object';
import { readFileUpload } from './read-file-upload';
import { listLimit } from '../list-limit';

/** What callers may upload; the gateway stores other purposes of its own (`batch_output`). */
const UPLOAD_PURPOSES = ['batch'];
/** Purposes whose files are JSON Lines, served as such. */
const JSONL_PURPOSES = ['batch', 'batch_output'];
const MAX_FILENAME_LENGTH = 255;
const MAX_LIST_LIMIT = 10_000;

export interface FileListQuery {
  purpose?: unknown;
  limit?: unknown;
  after?: unknown;
  order?: unknown;
}

@Injectable()
export class FilesService {
  constructor(
    @Inject(FILES) private readonly files: FileRepository,
    @Inject(MAX_FILE_BYTES) private readonly maxFileBytes: number,
  ) {}

  async upload(request: FastifyRequest, caller: CallerIdentity): Promise<FileObject> {
    const { purpose, file } = await readFileUpload(request, this.maxFileBytes);
    if (purpose === undefined) throw new InvalidRequestError("Missing required field 'purpose'.", { param: 'purpose' });
    if (!UPLOAD_PURPOSES.includes(purpose)) {
      throw new InvalidRequestError(`purpose must be one of: ${UPLOAD_PURPOSES.join(', ')}.`, { param: 'purpose' });
    }
    if (file === undefined) throw new InvalidRequestError("Missing required file part 'file'.", { param: 'file' });
    // PostgreSQL text cannot hold NUL, and no real file name has one.
    if (file.filename.includes('\u0000')) throw new InvalidRequestError('The filename must not contain NUL characters.', { param: 'file' });
    if (file.filename.length > MAX_FILENAME_LENGTH) {
      throw new InvalidRequestError(`The filename is longer than ${MAX_FILENAME_LENGTH} characters.`, { param: 'file' });
    }
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
    const limit = listLimit(query.limit, MAX_LIST_LIMIT, MAX_LIST_LIMIT);
    for (const param of ['purpose', 'after'] as const) {
      if (query[param] !== undefined && typeof query[param] !== 'string') throw new InvalidRequestError(`${param} must be given once, as a string.`, { param });
    }
    if (query.order !== undefined && query.order !== 'asc' && query.order !== 'desc') throw new InvalidRequestError("order must be 'asc' or 'desc'.", { param: 'order' });
    const page = await this.files.list(caller.tenant, {
      limit,
      ...(query.purpose === undefined ? {} : { purpose: query.purpose as string }),
      ...(query.after === undefined ? {} : { after: query.after as string }),
      ...(query.order === undefined ? {} : { order: query.order }),
    });
    const data = page.files.map(toFileObject);
    return { object: 'list', data, first_id: data[0]?.id ?? null, last_id: data.at(-1)?.id ?? null, has_more: page.hasMore };
  }

  async delete(id: string, caller: CallerIdentity): Promise<{ id: string; object: 'file'; deleted: true }> {
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
