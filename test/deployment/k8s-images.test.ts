import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { Dockerfile, repositoryRoot } from './dockerfile';

interface Container {
  name: string;
  image: string;
  command?: string[];
  args?: string[];
}

const dockerfile = Dockerfile.read();
const k8s = join(repositoryRoot, 'k8s');
const files = readdirSync(k8s).filter((file) => file.endsWith('.yaml'));
const texts = files.map((file) => ({ file, text: readFileSync(join(k8s, file), 'utf8') }));

/** Every container and init container in the manifests. */
function containers(node: unknown): Container[] {
  if (Array.isArray(node)) return node.flatMap(containers);
  if (node === null || typeof node !== 'object') return [];
  return Object.entries(node).flatMap(([key, value]) =>
    (key === 'containers' || key === 'initContainers') && Array.isArray(value) ? (value as Container[]) : containers(value),
  );
}
const all = texts.flatMap(({ text }) => parseAllDocuments(text).flatMap((document) => containers(document.toJS())));
/** The Dockerfile target that builds a `switchyard/<target>` image; undefined for other images. */
const targetOf = (image: string) => /^switchyard\/([\w-]+)(?::|$)/.exec(image)?.[1];

describe('k8s images', () => {
  it('names, for every Switchyard image, a target of the root Dockerfile (commented-out containers too)', () => {
    const named = texts.flatMap(({ file, text }) =>
      [...text.matchAll(/(?:image|name|newName):\s*(switchyard\/[\w-]+)/g)].map((match) => ({ file, image: match[1] as string })),
    );
    expect(named.map(({ image }) => image)).toEqual(
      expect.arrayContaining(['switchyard/gateway', 'switchyard/worker-cloud', 'switchyard/worker-local', 'switchyard/webhook-dispatcher']),
    );
    for (const { file, image } of named) expect(dockerfile.targets(), `${file}: ${image}`).toContain(targetOf(image));
  });

  it("runs commands whose file is built and is in the container's image (the migrate Job's in the gateway's)", () => {
    const overridden = all.filter((container) => targetOf(container.image) !== undefined && (container.command ?? container.args) !== undefined);
    expect(overridden.map(({ name }) => name)).toContain('migrate');
    for (const container of overridden) {
      const [program, file] = [...(container.command ?? []), ...(container.args ?? [])];
      expect(program, container.name).toBe('node');
      expect(existsSync(join(repositoryRoot, file as string)), `${file} after the build`).toBe(true);
      expect(dockerfile.image(targetOf(container.image) as string).holds(file as string), `${container.image} holds ${file}`).toBe(true);
    }
  });
});
