import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { Dockerfile, repositoryRoot } from './dockerfile';

interface ComposeService {
  image?: string;
  build?: string | { context?: string; dockerfile?: string; target?: string };
  command?: string | string[];
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

  describe('images', () => {
    const dockerfile = Dockerfile.read();
    const built = Object.entries(compose.services).filter(([, service]) => service.build !== undefined);

    it('builds every Switchyard service from the root Dockerfile, with a target it has', () => {
      expect(built.map(([name]) => name)).toEqual(expect.arrayContaining(['migrate', 'mock', 'gateway', 'worker-cloud', 'worker-local', 'webhook-dispatcher']));
      for (const [name, service] of built) {
        expect(typeof service.build, `${name} names its target`).toBe('object');
        const build = service.build as { context?: string; dockerfile?: string; target?: string };
        expect(build.context, name).toBe('.');
        expect(build.dockerfile ?? 'Dockerfile', name).toBe('Dockerfile');
        expect(dockerfile.targets(), name).toContain(build.target);
      }
      for (const [name, service] of Object.entries(compose.services)) if (service.build === undefined) expect(service.image, name).not.toMatch(/^switchyard\//);
    });

    it("runs commands whose file is built and is in the service's image (the migrations in the gateway's)", () => {
      const commands = built.filter(([, service]) => service.command !== undefined);
      expect(commands.map(([name]) => name)).toContain('migrate');
      for (const [name, service] of commands) {
        const [program, file] = Array.isArray(service.command) ? service.command : (service.command as string).split(' ');
        expect(program, name).toBe('node');
        expect(existsSync(join(repositoryRoot, file as string)), `${file} after the build`).toBe(true);
        expect(dockerfile.image((service.build as { target: string }).target).holds(file as string), `${name}'s image holds ${file}`).toBe(true);
      }
    });
  });
});
