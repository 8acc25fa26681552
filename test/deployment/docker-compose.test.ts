import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

interface ComposeService {
  environment?: Record<string, string> | string[];
  ports?: (string | number | { published?: string | number; host_ip?: string })[];
}

const text = readFileSync(join(__dirname, '..', '..', 'docker-compose.yml'), 'utf8');
const compose = parse(text, { merge: true }) as { services: Record<string, ComposeService> };

function environmentOf(service: ComposeService): Record<string, string> {
  const environment = service.environment ?? {};
  if (!Array.isArray(environment)) return environment;
  return Object.fromEntries(environment.map((entry) => [entry.split('=')[0] as string, entry.split('=').slice(1).join('=')]));
}

describe('docker-compose.yml', () => {
  it('refuses to start without a real SWITCHYARD_API_KEY: no default for it anywhere', () => {
    const given = Object.entries(compose.services).flatMap(([name, service]) => {
      const value = environmentOf(service).SWITCHYARD_API_KEY;
      return value === undefined ? [] : [{ name, value }];
    });
    expect(given.map(({ name }) => name)).toContain('gateway');
    for (const { value } of given) expect(value).toMatch(/^\$\{SWITCHYARD_API_KEY:\?[^}]+\}$/);
    // Nowhere in the file, under any syntax (`:-`, `-`, `:+`, a literal key) does the variable get a value of compose's own.
    expect(text).not.toMatch(/\$\{SWITCHYARD_API_KEY:?[-+=]/);
    expect(text).not.toContain('sk-switchyard-dev-key');
  });

  it('publishes ports on 127.0.0.1 only', () => {
    const published = Object.entries(compose.services).flatMap(([name, service]) => (service.ports ?? []).map((port) => ({ name, port })));
    expect(published.map(({ name }) => name)).toContain('gateway');
    for (const { port } of published) {
      if (typeof port === 'object') expect(port.host_ip).toBe('127.0.0.1');
      else expect(String(port)).toMatch(/^127\.0\.0\.1:(\$\{[^}]+\}|\d+):\d+$/);
    }
  });
});
