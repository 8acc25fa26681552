import { randomBytes } from 'node:crypto';
import type { DataSource, Repository } from 'typeorm';
import { FileEntity } from './file.entity';
import type { StoredFile, StoredFileRow } from './stored-file';

export interface NewFile {
  tenant: string;
  purpose: string;
  filename: string;
  content: Buffer;
}

export interface FileListOptions {
  purpose?: string;
  limit: number;
  /** The id of the last file of the previous page; an unknown id yields an empty page. */
  after?: string;
  /** By creation time; newest first unless asked otherwise. */
  order?: 'asc' | 'desc';
}

export interface FilePage {
  files: StoredFile[];
  hasMore: boolean;
}

const METADATA = { id: true, tenant: true, purpose: true, filename: true, bytes: true, createdAt: true } as const satisfies Record<keyof StoredFile, true>;

export function newFileId(): string {
  return `file-${randomBytes(12).toString('hex')}`;
}

/**
 * The only code that reads or writes `files`. Every lookup takes the tenant:
 * another tenant's file is indistinguishable from one that does not exist.
 */
export class FileRepository {
  private readonly repository: Repository<StoredFileRow>;

  constructor(dataSource: DataSource) {
    this.repository = dataSource.getRepository(FileEntity);
  }

  async create(file: NewFile): Promise<StoredFile> {
    const id = newFileId();
    const rows: { created_at: Date }[] = await this.repository.query(
      'INSERT INTO files (id, tenant, purpose, filename, bytes, content) VALUES ($1, $2, $3, $4, $5, $6) RETURNING created_at',
      [id, file.tenant, file.purpose, file.filename, file.content.length, file.content],
    );
    const createdAt = rows[0]?.created_at ?? new Date();
    return { id, tenant: file.tenant, purpose: file.purpose, filename: file.filename, bytes: file.content.length, createdAt };
  }

  async get(id: string, tenant: string): Promise<StoredFile | undefined> {
    return (await this.repository.findOne({ select: METADATA, where: { id, tenant } })) ?? undefined;
  }

  async content(id: string, tenant: string): Promise<Buffer | undefined> {
    const row = await this.repository.findOne({ select: { id: true, content: true }, where: { id, tenant } });
    return row?.content;
  }

  async list(tenant: string, options: FileListOptions): Promise<FilePage> {
    const order = options.order === 'asc' ? 'ASC' : 'DESC';
    const query = this.repository
      .createQueryBuilder('file')
      .select(Object.keys(METADATA).map((property) => `file.${property}`))
      .where('file.tenant = :tenant', { tenant })
      .orderBy('file.createdAt', order)
      .addOrderBy('file.id', order)
      // One more than asked for says whether another page follows.
      .limit(options.limit + 1);
    if (options.purpose !== undefined) query.andWhere('file.purpose = :purpose', { purpose: options.purpose });
    if (options.after !== undefined) {
      // Keyset on (created_at, id): stable however many files arrive while a caller pages.
      query.andWhere(
        `(file.created_at, file.id) ${order === 'DESC' ? '<' : '>'} (SELECT cursor.created_at, cursor.id FROM files cursor WHERE cursor.id = :after AND cursor.tenant = :tenant)`,
        { after: options.after },
      );
    }
    const files = await query.getMany();
    return { files: files.slice(0, options.limit), hasMore: files.length > options.limit };
  }

  /** True when the file existed (for this tenant) and is gone now. */
  async delete(id: string, tenant: string): Promise<boolean> {
    const result = await this.repository.delete({ id, tenant });
    return (result.affected ?? 0) > 0;
  }
}
