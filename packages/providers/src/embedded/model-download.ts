import { createHash, type Hash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

export interface DownloadProgress {
  url: string;
  receivedBytes: number;
  /** Unknown when the server sends no length. */
  totalBytes: number | undefined;
  /** Bytes a previous, interrupted download had already written. */
  resumedFromBytes: number;
}

export interface DownloadOptions {
  url: string;
  /** The finished file; `<path>.part` holds it while it downloads, `<path>.sha256` its checksum after. */
  path: string;
  token?: string;
  signal?: AbortSignal;
  onProgress?(progress: DownloadProgress): void;
  /** How often progress is reported at most. */
  progressIntervalMs?: number;
}

export interface DownloadedModel {
  path: string;
  bytes: number;
  sha256: string;
  /** False when the file was already there. */
  downloaded: boolean;
}

export const checksumPath = (path: string) => `${path}.sha256`;
export const partPath = (path: string) => `${path}.part`;

/** The hub names an LFS file's SHA-256 in `X-Linked-Etag` (or `ETag`): when present, the download must match it. */
function announcedSha256(headers: Headers): string | undefined {
  for (const name of ['x-linked-etag', 'etag']) {
    const value = headers.get(name)?.replace(/^W\//, '').replaceAll('"', '').toLowerCase();
    if (value !== undefined && /^[0-9a-f]{64}$/.test(value)) return value;
  }
  return undefined;
}

async function sizeOf(path: string): Promise<number | undefined> {
  try {
    return (await stat(path)).size;
  } catch {
    return undefined;
  }
}

async function hashInto(hash: Hash, path: string): Promise<void> {
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
}

/** The file's SHA-256, hex. */
export async function sha256OfFile(path: string): Promise<string> {
  const hash = createHash('sha256');
  await hashInto(hash, path);
  return hash.digest('hex');
}

/**
 * Checks a model file against the checksum stored beside it when it was
 * downloaded; a file with no stored checksum (a local path) is taken as is.
 */
export async function verifyModelFile(path: string): Promise<{ sha256: string | undefined }> {
  let expected: string;
  try {
    expected = (await readFile(checksumPath(path), 'utf8')).trim().split(/\s+/)[0] ?? '';
  } catch {
    return { sha256: undefined };
  }
  const actual = await sha256OfFile(path);
  if (actual !== expected) throw new Error(`${path}: SHA-256 ${actual} does not match the ${expected} recorded when it was downloaded`);
  return { sha256: actual };
}

/**
 * Downloads `url` to `path` once. An interrupted download resumes where its
 * `.part` file ends (HTTP Range); a server that ignores the range sends the
 * whole file again, which replaces the part. The checksum is written beside
 * the file so every later load can verify it.
 */
export async function downloadModel(options: DownloadOptions): Promise<DownloadedModel> {
  const { url, path, token, signal, onProgress, progressIntervalMs = 1_000 } = options;
  const existing = await sizeOf(path);
  if (existing !== undefined && (await sizeOf(checksumPath(path))) !== undefined) {
    const { sha256 } = await verifyModelFile(path);
    return { path, bytes: existing, sha256: sha256 as string, downloaded: false };
  }
  await mkdir(dirname(path), { recursive: true });
  const part = partPath(path);
  const resumeFrom = (await sizeOf(part)) ?? 0;
  const headers: Record<string, string> = { 'user-agent': 'switchyard' };
  if (token) headers.authorization = `Bearer ${token}`;
  if (resumeFrom > 0) headers.range = `bytes=${resumeFrom}-`;
  const response = await fetch(url, { headers, signal: signal ?? null, redirect: 'follow' });

  let startAt = resumeFrom;
  let totalBytes: number | undefined;
  if (response.status === 206) {
    totalBytes = Number(/\/(\d+)$/.exec(response.headers.get('content-range') ?? '')?.[1]) || undefined;
  } else if (response.status === 416 && resumeFrom > 0) {
    // The part is already whole (or longer than the file): start over rather than guess.
    await response.body?.cancel();
    await rm(part, { force: true });
    return downloadModel(options);
  } else if (response.ok) {
    startAt = 0;
    totalBytes = Number(response.headers.get('content-length')) || undefined;
  } else {
    await response.body?.cancel();
    throw new Error(`${url}: HTTP ${response.status}`);
  }
  if (response.body === null) throw new Error(`${url}: empty response`);

  const hash = createHash('sha256');
  if (startAt > 0) await hashInto(hash, part);
  let received = startAt;
  let reportedAt = 0;
  const report = (force: boolean) => {
    const now = Date.now();
    if (!force && now - reportedAt < progressIntervalMs) return;
    reportedAt = now;
    onProgress?.({ url, receivedBytes: received, totalBytes, resumedFromBytes: startAt });
  };
  report(true);
  const body = Readable.fromWeb(response.body as import('node:stream/web').ReadableStream<Uint8Array>);
  body.on('data', (chunk: Buffer) => {
    hash.update(chunk);
    received += chunk.length;
    report(false);
  });
  await pipeline(body, createWriteStream(part, { flags: startAt > 0 ? 'a' : 'w' }), signal ? { signal } : {});
  report(true);

  if (totalBytes !== undefined && received !== totalBytes) throw new Error(`${url}: got ${received} of ${totalBytes} bytes`);
  const sha256 = hash.digest('hex');
  const announced = announcedSha256(response.headers);
  if (announced !== undefined && announced !== sha256) {
    await rm(part, { force: true });
    throw new Error(`${url}: SHA-256 ${sha256} does not match the ${announced} the server announced`);
  }
  await writeFile(checksumPath(path), `${sha256}  ${path.split('/').at(-1)}\n`);
  await rename(part, path);
  return { path, bytes: received, sha256, downloaded: true };
}
