import OpenAI, { toFile } from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OTHER_TENANT_KEY, type Platform, startPlatform, TEST_API_KEY } from './platform-harness';

interface ErrorAnswer {
  error: { message: string; type: string; param: string | null; code: string };
}

const request = (customId: string) =>
  JSON.stringify({
    custom_id: customId,
    method: 'POST',
    url: '/v1/chat/completions',
    body: { model: 'mock-echo', messages: [{ role: 'user', content: 'hi' }] },
  });

describe("files, in the shape of OpenAI's Files API", () => {
  let platform: Platform;
  let client: OpenAI;
  let other: OpenAI;

  beforeAll(async () => {
    platform = await startPlatform({ worker: false });
    client = platform.client;
    other = new OpenAI({ apiKey: OTHER_TENANT_KEY, baseURL: `${platform.gateway.url}/v1`, maxRetries: 0 });
  });

  afterAll(async () => {
    await platform.close();
  });

  const upload = async (content: string | Buffer, filename = 'input.jsonl', purpose = 'batch', sdk = client) =>
    sdk.files.create({ file: await toFile(Buffer.from(content), filename), purpose: purpose as 'batch' });

  /** A raw POST, for the forms an SDK would never send. */
  async function post(body: FormData | string, headers: Record<string, string> = {}, key = TEST_API_KEY) {
    const response = await fetch(`${platform.gateway.url}/v1/files`, { method: 'POST', headers: { authorization: `Bearer ${key}`, ...headers }, body });
    return { status: response.status, body: (await response.json()) as ErrorAnswer };
  }

  function form(parts: { purpose?: string; files?: [name: string, content: string][] }): FormData {
    const data = new FormData();
    for (const [name, content] of parts.files ?? []) data.append(name, new Blob([content]), 'input.jsonl');
    if (parts.purpose !== undefined) data.append('purpose', parts.purpose);
    return data;
  }

  it('stores an upload and gives back exactly its bytes', async () => {
    // CRLF, a blank line, a BOM-free multibyte string and no final newline: all must come back untouched.
    const jsonl = `${request('a')}\r\n\n${JSON.stringify({ custom_id: 'b', note: 'café ☕ 漢字' })}\n   \n${request('c')}`;
    const created = await upload(jsonl);
    expect(created).toMatchObject({ object: 'file', bytes: Buffer.byteLength(jsonl), filename: 'input.jsonl', purpose: 'batch', status: 'processed' });
    expect(created.id).toMatch(/^file-[0-9a-f]{24}$/);
    expect(Math.abs(created.created_at - Date.now() / 1000)).toBeLessThan(60);

    expect(await client.files.retrieve(created.id)).toEqual(created);
    const content = await client.files.content(created.id);
    expect(content.headers.get('content-type')).toBe('application/jsonl');
    expect(Buffer.from(await content.arrayBuffer()).equals(Buffer.from(jsonl))).toBe(true);

    expect(await client.files.delete(created.id)).toEqual({ id: created.id, object: 'file', deleted: true });
    await expect(client.files.retrieve(created.id)).rejects.toMatchObject({ status: 404, type: 'not_found_error' });
    await expect(client.files.content(created.id)).rejects.toMatchObject({ status: 404 });
    await expect(client.files.delete(created.id)).rejects.toMatchObject({ status: 404 });
  });

  it('takes files larger than the JSON body limit, since uploads bypass it', async () => {
    const lines = Array.from({ length: 2000 }, (_, i) => request(`big-${i}`));
    const jsonl = `${lines.join('\n')}\n`;
    expect(jsonl.length).toBeGreaterThan(65536 * 3);
    const created = await upload(jsonl);
    expect(created.bytes).toBe(Buffer.byteLength(jsonl));
    expect(await (await client.files.content(created.id)).text()).toBe(jsonl);
  });

  it("never shows one tenant another's files", async () => {
    const mine = await upload(`${request('mine')}\n`);
    await expect(other.files.retrieve(mine.id)).rejects.toMatchObject({ status: 404, message: expect.stringContaining(mine.id) });
    await expect(other.files.content(mine.id)).rejects.toMatchObject({ status: 404 });
    await expect(other.files.delete(mine.id)).rejects.toMatchObject({ status: 404 });
    const theirs = await upload(`${request('theirs')}\n`, 'theirs.jsonl', 'batch', other);
    const listed: string[] = [];
    for await (const file of other.files.list()) listed.push(file.id);
    expect(listed).toContain(theirs.id);
    expect(listed).not.toContain(mine.id);
    expect(await client.files.retrieve(mine.id)).toMatchObject({ id: mine.id });
  });

  it('lists newest first, page by page, filtered by purpose', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await upload(`${request(`page-${i}`)}\n`, `page-${i}.jsonl`)).id);
    // Other tests of this tenant may upload meanwhile; only the order of ours is certain.
    const pages: string[][] = [];
    for (let page = await client.files.list({ limit: 2, purpose: 'batch' }); ; page = await page.getNextPage()) {
      pages.push(page.data.map((f) => f.id));
      expect(page.data.length).toBeLessThanOrEqual(2);
      expect(page.data.every((f) => f.purpose === 'batch')).toBe(true);
      if (pages.flat().includes(ids[0] ?? '') || !page.hasNextPage()) break;
    }
    const seen = pages.flat();
    expect(pages.length).toBeGreaterThanOrEqual(2);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.filter((id) => ids.includes(id))).toEqual([ids[2], ids[1], ids[0]]);
    expect((await client.files.list({ purpose: 'batch_output' })).data.map((f) => f.id)).not.toContain(ids[0]);
    const ascending = await client.files.list({ order: 'asc', after: ids[0], limit: 100 });
    expect(ascending.data.map((f) => f.id).filter((id) => ids.includes(id))).toEqual([ids[1], ids[2]]);
  });

  it('refuses a purpose other than batch, or none', async () => {
    await expect(upload(`${request('x')}\n`, 'input.jsonl', 'fine-tune')).rejects.toMatchObject({
      status: 400,
      param: 'purpose',
      type: 'invalid_request_error',
    });
    const missing = await post(form({ files: [['file', `${request('x')}\n`]] }));
    expect(missing.status).toBe(400);
    expect(missing.body.error).toMatchObject({ param: 'purpose', type: 'invalid_request_error' });
  });

  it('refuses a form without a file part', async () => {
    const answer = await post(form({ purpose: 'batch' }));
    expect(answer.status).toBe(400);
    expect(answer.body.error).toMatchObject({ param: 'file', message: expect.stringContaining("'file'") });
    // A file sent as a plain text field is not a file part either.
    const asField = new FormData();
    asField.append('purpose', 'batch');
    asField.append('file', `${request('x')}\n`);
    expect((await post(asField)).body.error.param).toBe('file');
  });

  it('names the first line of a batch file that is not a JSON object', async () => {
    const bad = [`${request('a')}\n${request('b')}\n{"custom_id": "c",\n`, `${request('a')}\n\n[1, 2]\n`, `${request('a')}\n"text"\n`];
    const expected = ['Line 3', 'Line 3', 'Line 2'];
    for (const [i, content] of bad.entries()) {
      await expect(upload(content)).rejects.toMatchObject({ status: 400, param: 'file', message: expect.stringContaining(expected[i] ?? '') });
    }
    await expect(upload('\n  \n')).rejects.toMatchObject({ status: 400, param: 'file', message: expect.stringContaining('empty') });
    await expect(upload(Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x7d]))).rejects.toMatchObject({
      status: 400,
      param: 'file',
      message: expect.stringContaining('UTF-8'),
    });
  });

  it('refuses more than one file, and files under another name', async () => {
    const two = await post(
      form({
        purpose: 'batch',
        files: [
          ['file', `${request('a')}\n`],
          ['file', `${request('b')}\n`],
        ],
      }),
    );
    expect(two.status).toBe(400);
    expect(two.body.error).toMatchObject({ param: 'file', message: 'Send one file per request.' });
    const stray = await post(form({ purpose: 'batch', files: [['document', `${request('a')}\n`]] }));
    expect(stray.status).toBe(400);
    expect(stray.body.error).toMatchObject({ param: 'file', message: expect.stringContaining("'document'") });
  });

  it('answers a body that is not multipart, or not well-formed multipart, with a 4xx', async () => {
    const json = await post(JSON.stringify({ purpose: 'batch', file: 'x' }), { 'content-type': 'application/json' });
    expect(json.status).toBe(415);
    expect(json.body.error).toMatchObject({ code: 'unsupported_media_type', message: expect.stringContaining('multipart/form-data') });
    const empty = await post('', {});
    expect(empty.status).toBe(415);
    const text = await post('hello', { 'content-type': 'text/plain' });
    expect(text.status).toBe(415);
    const noBoundary = await post('--x\r\n', { 'content-type': 'multipart/form-data' });
    expect(noBoundary.status).toBe(400);
    expect(noBoundary.body.error.type).toBe('invalid_request_error');
    const cut = await post('--x\r\ncontent-disposition: form-data; name="file"; filename="a.jsonl"\r\n\r\n{}', {
      'content-type': 'multipart/form-data; boundary=x',
    });
    expect(cut.status).toBe(400);
    expect(cut.body.error.message).toContain('multipart');
  });

  it('checks the key before reading the upload', async () => {
    const answer = await post(form({ purpose: 'batch', files: [['file', `${request('a')}\n`]] }), {}, 'sk-wrong');
    expect(answer.status).toBe(401);
  });

  it('refuses list parameters out of range', async () => {
    await expect(client.files.list({ limit: 0 })).rejects.toMatchObject({ status: 400, param: 'limit' });
    await expect(client.files.list({ order: 'sideways' as 'asc' })).rejects.toMatchObject({ status: 400, param: 'order' });
  });
});

describe('the upload size limit', () => {
  let platform: Platform;

  beforeAll(async () => {
    platform = await startPlatform({ worker: false, env: { FILE_UPLOAD_MAX_BYTES: '1024' } });
  });

  afterAll(async () => {
    await platform.close();
  });

  it('refuses a larger file with 413, takes one at the limit, and keeps serving', async () => {
    const line = `${JSON.stringify({ custom_id: 'x'.repeat(1000) })}\n`;
    const tooLarge = `${line.repeat(2000)}`;
    await expect(platform.client.files.create({ file: await toFile(Buffer.from(tooLarge), 'big.jsonl'), purpose: 'batch' })).rejects.toMatchObject({
      status: 413,
      code: 'payload_too_large',
      param: 'file',
      message: expect.stringContaining('1024 bytes'),
    });
    const atLimit = `${JSON.stringify({ custom_id: 'y'.repeat(1024 - 17) })}\n`;
    expect(Buffer.byteLength(atLimit)).toBe(1024);
    const created = await platform.client.files.create({ file: await toFile(Buffer.from(atLimit), 'fits.jsonl'), purpose: 'batch' });
    expect(created.bytes).toBe(1024);
  });
});
