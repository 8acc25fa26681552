import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDataSource } from '../connection/create-data-source';
import { FileRepository } from './file-repository';

const databaseUrl = process.env.DATABASE_URL ?? 'postgres://postgres:postgres@127.0.0.1:5432/switchyard_test';

describe('FileRepository', () => {
  let dataSource: DataSource;
  let files: FileRepository;
  // A tenant of its own per run, so rows left by earlier runs never show up in a list.
  const tenant = `t-${randomUUID()}`;
  const other = `t-${randomUUID()}`;

  beforeAll(async () => {
    dataSource = createDataSource(databaseUrl, { poolSize: 1 });
    await dataSource.initialize();
    files = new FileRepository(dataSource);
  });

  afterAll(async () => {
    await dataSource.query('DELETE FROM files WHERE tenant = ANY($1)', [[tenant, other]]);
    await dataSource.destroy();
  });

  it('keeps every byte, and reads metadata without the content', async () => {
    const content = Buffer.from([0, 255, 10, 13, 0x7b, 0x7d, 0xe2, 0x82]);
    const created = await files.create({ tenant, purpose: 'batch', filename: 'raw.bin', content });
    expect(created).toMatchObject({ tenant, purpose: 'batch', filename: 'raw.bin', bytes: 8 });
    expect(created.id).toMatch(/^file-[0-9a-f]{24}$/);
    const found = await files.get(created.id, tenant);
    expect(found).toEqual(created);
    expect(found).not.toHaveProperty('content');
    expect((await files.content(created.id, tenant))?.equals(content)).toBe(true);
  });

  it("treats another tenant's file as missing", async () => {
    const created = await files.create({ tenant, purpose: 'batch', filename: 'mine.jsonl', content: Buffer.from('{}\n') });
    expect(await files.get(created.id, other)).toBeUndefined();
    expect(await files.content(created.id, other)).toBeUndefined();
    expect(await files.delete(created.id, other)).toBe(false);
    expect((await files.list(other, { limit: 10 })).files).toEqual([]);
    expect(await files.get(created.id, tenant)).toBeDefined();
  });

  it('pages newest first by id cursor, filters by purpose, and deletes', async () => {
    const ids: string[] = [];
    for (const purpose of ['batch', 'batch_output', 'batch', 'batch']) {
      ids.push((await files.create({ tenant: other, purpose, filename: `${purpose}.jsonl`, content: Buffer.from('{}') })).id);
    }
    const newest = [...ids].reverse();
    const first = await files.list(other, { limit: 2 });
    expect(first.files.map((f) => f.id)).toEqual(newest.slice(0, 2));
    expect(first.hasMore).toBe(true);
    const second = await files.list(other, { limit: 2, after: first.files[1]?.id });
    expect(second.files.map((f) => f.id)).toEqual(newest.slice(2));
    expect(second.hasMore).toBe(false);
    expect((await files.list(other, { limit: 10, order: 'asc' })).files.map((f) => f.id)).toEqual(ids);
    expect((await files.list(other, { limit: 10, purpose: 'batch_output' })).files.map((f) => f.id)).toEqual([ids[1]]);
    expect((await files.list(other, { limit: 10, after: 'file-unknown' })).files).toEqual([]);

    expect(await files.delete(ids[0] ?? '', other)).toBe(true);
    expect(await files.get(ids[0] ?? '', other)).toBeUndefined();
    expect(await files.delete(ids[0] ?? '', other)).toBe(false);
  });
});
