import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Dockerfile, repositoryRoot } from './dockerfile';
import { excludedFromBuildContext } from './dockerignore';
import { needsThirdPartyPackages, packageHolding, productionClosure, workspacePackages } from './workspace';

const dockerfile = Dockerfile.read();
const workspace = workspacePackages();
const IMAGES = ['gateway', 'worker-cloud', 'worker-local', 'webhook-dispatcher', 'mock-upstream'];
/** Apps that read the routing file, switchyard.yaml, from their working directory by default. */
const READS_ROUTING_FILE = ['gateway', 'worker-cloud', 'worker-local'];

/** The file an image's command runs, relative to /app, e.g. `apps/gateway/dist/main.js`. */
function entryOf(target: string): string {
  const [program, file] = dockerfile.image(target).cmd;
  expect(program).toBe('node');
  return file as string;
}

function appOf(target: string) {
  const app = packageHolding(entryOf(target), workspace);
  if (!app) throw new Error(`${target} runs ${entryOf(target)}, which no workspace package holds`);
  return app;
}

function findDockerfiles(dir = repositoryRoot, prefix = ''): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = `${prefix}${entry.name}`;
    if (entry.isDirectory()) return ['node_modules', '.git', 'dist', '.turbo'].includes(entry.name) ? [] : findDockerfiles(join(dir, entry.name), `${path}/`);
    return /^Dockerfile|\.Dockerfile$/.test(entry.name) ? [path] : [];
  });
}

describe('Dockerfile', () => {
  it('is the only Dockerfile, and builds every image as a target of its own', () => {
    expect(findDockerfiles()).toEqual(['Dockerfile']);
    expect(dockerfile.targets().toSorted()).toEqual(IMAGES.toSorted());
  });

  it('builds the gateway when no target is given', () => {
    expect([...dockerfile.stages.keys()].at(-1)).toBe('gateway');
  });

  it('starts every stage from Node 20 or newer', () => {
    const external = [...dockerfile.stages.values()].filter((stage) => !dockerfile.stages.has(stage.base));
    expect(external.length).toBeGreaterThan(0);
    for (const stage of external) {
      const major = /^node:(\d+)/.exec(dockerfile.externalBase(stage))?.[1];
      expect(Number(major), `${stage.name} starts from ${dockerfile.externalBase(stage)}`).toBeGreaterThanOrEqual(20);
    }
  });

  it.each(IMAGES)('%s runs a file that `turbo run build` produces and the image holds', (target) => {
    const entry = entryOf(target);
    expect(existsSync(join(repositoryRoot, entry)), `${entry} after the build`).toBe(true);
    expect(dockerfile.image(target).holds(entry)).toBe(true);
  });

  it.each(IMAGES)('%s holds every workspace package its app depends on, and no other', (target) => {
    const image = dockerfile.image(target);
    const closure = productionClosure(appOf(target), workspace);
    const held = workspace.filter(({ dir }) => image.holds(dir));
    expect(held.map(({ dir }) => dir).toSorted()).toEqual(closure.map(({ dir }) => dir).toSorted());
    if (needsThirdPartyPackages(closure, workspace)) expect(image.holds('node_modules')).toBe(true);
  });

  it.each(IMAGES)("%s copies its files from one stage that installed its app's production dependencies from a build of it", (target) => {
    const app = appOf(target);
    const sources = new Set(dockerfile.image(target).copies.map(({ from }) => from));
    expect(sources.size, 'node_modules links only to the packages installed beside it').toBe(1);
    const [source] = sources;
    expect(source, 'copied from a stage, not from the build context').toBeDefined();
    const stages = dockerfile.image(source as string).stages.flatMap(({ instructions }) => instructions);
    const runs = stages.filter(({ keyword }) => keyword === 'RUN').map(({ args }) => args);
    const install = runs.filter((run) => /\bpnpm install\b.*--prod\b/.test(run)).at(-1) ?? '';
    expect(install).toContain(`--filter-prod=${app.name}...`);
    const build = runs.find((run) => /\bturbo run build\b/.test(run)) ?? '';
    expect(build).toContain(`--filter=${app.name}...`);
  });

  it.each(IMAGES)('%s runs as a non-root user, given by number so Kubernetes can check runAsNonRoot', (target) => {
    expect(dockerfile.image(target).user).toMatch(/^[1-9]\d*(:[1-9]\d*)?$/);
  });

  it.each(IMAGES)('%s has a health check on the port it serves, when it serves one', (target) => {
    const { exposes, healthcheck } = dockerfile.image(target);
    for (const port of exposes) expect(healthcheck).toContain(port);
  });

  it('gives the gateway and the mock upstream their health checks', () => {
    expect(dockerfile.image('gateway').healthcheck).toContain('/healthz');
    expect(dockerfile.image('mock-upstream').healthcheck).toContain('/health');
  });

  it('puts the migrations in the gateway image', () => {
    const migrate = 'packages/database/dist/migrate.js';
    expect(existsSync(join(repositoryRoot, migrate))).toBe(true);
    expect(dockerfile.image('gateway').holds(migrate)).toBe(true);
  });

  it.each(READS_ROUTING_FILE)('%s holds the routing file in its working directory', (target) => {
    expect(dockerfile.image(target).holds('switchyard.yaml')).toBe(true);
  });
});

describe('.dockerignore', () => {
  const excluded = excludedFromBuildContext();

  it('keeps in the build context what the Dockerfile copies and builds from', () => {
    const fromContext = [...dockerfile.stages.values()]
      .flatMap(({ instructions }) => instructions)
      .filter(({ keyword, args }) => keyword === 'COPY' && !args.includes('--from='))
      .flatMap(({ args }) => args.split(' ').slice(0, -1))
      .filter((source) => source !== '.');
    expect(fromContext).toContain('pnpm-lock.yaml');
    const needed = [
      ...fromContext,
      'switchyard.yaml',
      'turbo.json',
      'tsconfig.base.json',
      ...workspace.flatMap(({ dir }) => [`${dir}/package.json`, `${dir}/tsconfig.build.json`, `${dir}/src/index.ts`]),
    ].filter((path) => existsSync(join(repositoryRoot, path)));
    expect(needed.filter(excluded)).toEqual([]);
  });

  it('leaves out dependencies, build output, git and secrets', () => {
    const leftOut = [
      'node_modules',
      'apps/gateway/node_modules/fastify/package.json',
      'packages/database/dist/migrate.js',
      '.turbo',
      '.git/HEAD',
      '.env',
      '.env.production',
    ];
    expect(leftOut.filter((path) => !excluded(path))).toEqual([]);
  });
});
