import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Platform, startPlatform } from './platform-harness';

/** A GET sent with its path exactly as written: no client normalises `..` or decodes `%2e` on the way. */
function rawGet(base: string, path: string): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const sent = httpRequest({ hostname, port, path, method: 'GET' }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    sent.on('error', reject);
    sent.end();
  });
}

describe('the console served at /console/', () => {
  let platform: Platform;
  let index: string;

  beforeAll(async () => {
    platform = await startPlatform({ worker: false });
    index = await (await fetch(`${platform.gateway.url}/console/`)).text();
  });

  afterAll(async () => {
    await platform.close();
  });

  it('serves its page without a key, under a strict Content-Security-Policy, never cached', async () => {
    const response = await fetch(`${platform.gateway.url}/console/`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    expect(response.headers.get('cache-control')).toBe('no-cache');
    const csp = response.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(index).toContain('<div id="app"></div>');
    // Every script is a file of the console's own: nothing inline for the policy to refuse.
    expect(index).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
  });

  it('redirects /console to /console/', async () => {
    const response = await fetch(`${platform.gateway.url}/console`, { redirect: 'manual' });
    expect(response.status).toBe(301);
    expect(response.headers.get('location')).toBe('/console/');
  });

  it('serves the scripts and styles the page names, cached for good since their names change with their content', async () => {
    const assets = [...index.matchAll(/(?:src|href)="(\/console\/assets\/[^"]+)"/g)].map((match) => match[1] as string);
    expect(assets.some((path) => path.endsWith('.js'))).toBe(true);
    expect(assets.some((path) => path.endsWith('.css'))).toBe(true);
    for (const path of assets) {
      const response = await fetch(`${platform.gateway.url}${path}`);
      expect(response.status).toBe(200);
      expect(response.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
      expect(response.headers.get('content-type')).toMatch(path.endsWith('.js') ? /javascript/ : /text\/css/);
      expect(response.headers.get('content-security-policy')).toContain("default-src 'self'");
      expect((await response.text()).length).toBeGreaterThan(100);
    }
  });

  it('answers a page path it does not know with the page, for the browser to route', async () => {
    for (const path of ['/console/overview', '/console/requests/abc/def', '/console/index.html']) {
      const response = await fetch(`${platform.gateway.url}${path}`);
      expect(response.status).toBe(200);
      expect(await response.text()).toBe(index);
    }
  });

  it('answers a missing asset with a 404, not with the page', async () => {
    const response = await fetch(`${platform.gateway.url}/console/assets/index-gone.js`);
    expect(response.status).toBe(404);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('not_found');
  });

  it('never serves a file outside the console, whatever the path says', async () => {
    const tricks = [
      '/console/../package.json',
      '/console/..%2f..%2fpackage.json',
      '/console/%2e%2e/%2e%2e/%2e%2e/package.json',
      '/console/assets/..%2f..%2findex.js',
      '/console/assets/%2e%2e/%2e%2e/index.d.ts',
      '/console/..%5c..%5cpackage.json',
      '/console//etc/passwd',
    ];
    for (const path of tricks) {
      const response = await rawGet(platform.gateway.url, path);
      expect(response.body).not.toContain('"name"');
      expect(response.body).not.toContain('consoleAssetsDir');
      expect(response.body).not.toContain('root:');
      if (response.status === 200) expect(response.body).toBe(index);
      else expect(response.status).toBeGreaterThanOrEqual(400);
    }
  });
});
