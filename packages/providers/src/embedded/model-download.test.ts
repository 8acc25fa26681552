import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { checksumPath, type DownloadProgress, downloadModel, partPath, verifyModelFile } from './model-download';
import { parseModelReference } from './model-reference';

const FILE = randomBytes(256 * 1024);
const SHA256 = createHash('sha256').update(FILE).digest('hex');

interface Served {
  range: string | undefined;
}

/** Serves FILE with Range support; `cutAfter` makes the next response end its connection after that many bytes. */
function startFileServer() {
  const served: Served[] = [];
  let cutAfter: number | undefined;
  let announce: string | undefined;
  const server: Server = createServer((request, response) => {
    served.push({ range: request.headers.range });
    const start = Number(/^bytes=(\d+)-$/.exec(request.headers.range ?? '')?.[1] ?? 0);
    const headers: Record<string, string> = { 'content-type': 'application/octet-stream' };
    if (announce !== undefined) headers['x-linked-etag'] = `"${announce}"`;
    if (start > 0) {
      response.writeHead(206, { ...headers, 'content-range': `bytes ${start}-${FILE.length - 1}/${FILE.length}`, 'content-length': FILE.length - start });
    } else {
      response.writeHead(200, { ...headers, 'content-length': FILE.length });
    }
    const body = FILE.subarray(start);
    if (cutAfter !== undefined) {
      const cut = cutAfter;
      cutAfter = undefined;
      response.write(body.subarray(0, cut), () => setTimeout(() => response.socket?.destroy(), 20));
      return;
    }
    response.end(body);
  });
  return {
    served,
    cutNextAfter: (bytes: number) => {
      cutAfter = bytes;
    },
    announceSha256: (value: string | undefined) => {
      announce = value;
    },
    listen: () => new Promise<string>((resolve) => server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`))),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('downloadModel', () => {
  const server = startFileServer();
  let url: string;
  let dir: string;

  beforeAll(async () => {
    url = `${await server.listen()}/org/repo/resolve/main/model.gguf`;
  });
  afterAll(() => server.close());
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'switchyard-download-'));
    server.served.length = 0;
    server.announceSha256(undefined);
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('downloads once, stores the checksum beside the file and reports progress', async () => {
    const path = join(dir, 'model.gguf');
    const progress: DownloadProgress[] = [];
    const first = await downloadModel({ url, path, onProgress: (p) => progress.push(p), progressIntervalMs: 0 });
    expect(first).toStrictEqual({ path, bytes: FILE.length, sha256: SHA256, downloaded: true });
    expect(await readFile(path)).toStrictEqual(FILE);
    expect((await readFile(checksumPath(path), 'utf8')).split(' ')[0]).toBe(SHA256);
    expect(existsSync(partPath(path))).toBe(false);
    expect(progress.at(-1)).toMatchObject({ receivedBytes: FILE.length, totalBytes: FILE.length, resumedFromBytes: 0 });
    const second = await downloadModel({ url, path });
    expect(second.downloaded).toBe(false);
    expect(server.served).toHaveLength(1);
  });

  it('resumes an interrupted download from where its part file ends', async () => {
    const path = join(dir, 'model.gguf');
    server.cutNextAfter(100_000);
    await expect(downloadModel({ url, path })).rejects.toThrow();
    const kept = (await readFile(partPath(path))).length;
    expect(kept).toBeGreaterThan(0);
    expect(kept).toBeLessThan(FILE.length);
    const resumed = await downloadModel({ url, path });
    expect(resumed).toMatchObject({ sha256: SHA256, bytes: FILE.length, downloaded: true });
    expect(server.served.map((request) => request.range)).toStrictEqual([undefined, `bytes=${kept}-`]);
    expect(await readFile(path)).toStrictEqual(FILE);
  });

  it('refuses a download whose bytes do not match the checksum the server announced', async () => {
    const path = join(dir, 'model.gguf');
    server.announceSha256('0'.repeat(64));
    await expect(downloadModel({ url, path })).rejects.toThrow(/does not match/);
    expect(existsSync(path)).toBe(false);
    expect(existsSync(partPath(path))).toBe(false);
  });

  it('finds a model file changed since its download when it is loaded', async () => {
    const path = join(dir, 'model.gguf');
    await downloadModel({ url, path });
    await expect(verifyModelFile(path)).resolves.toStrictEqual({ sha256: SHA256 });
    await writeFile(path, Buffer.concat([FILE, Buffer.from('x')]));
    await expect(verifyModelFile(path)).rejects.toThrow(/does not match/);
  });
});

describe('parseModelReference', () => {
  it.each([
    ['hf:org/repo/model.Q4_K_M.gguf', 'https://hub.test/org/repo/resolve/main/model.Q4_K_M.gguf', '/models/hf/org/repo/main/model.Q4_K_M.gguf'],
    ['hf:org/repo@v1.0/sub/model.gguf', 'https://hub.test/org/repo/resolve/v1.0/sub/model.gguf', '/models/hf/org/repo/v1.0/sub/model.gguf'],
  ])('resolves %s to its hub URL and a path in the models folder', (model, url, path) => {
    expect(parseModelReference(model, '/models', 'https://hub.test/')).toMatchObject({ kind: 'hf', url, path });
  });

  it.each([['hf:org/repo'], ['hf:org/../model.gguf'], ['hf:org/repo/model.bin'], ['model.bin']])('refuses %s', (model) => {
    expect(() => parseModelReference(model, '/models', 'https://hub.test')).toThrow(model);
  });

  it('takes a local .gguf path as it is', () => {
    expect(parseModelReference('/srv/models/a.gguf', '/models', 'https://hub.test')).toStrictEqual({ kind: 'file', path: '/srv/models/a.gguf' });
  });
});
