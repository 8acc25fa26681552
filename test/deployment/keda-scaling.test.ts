import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { CLOUD_KINDS, LOCAL_KINDS, PROVIDER_KINDS } from '../../packages/contracts/dist/index.js';
import { renderAll } from '../../scripts/generate-keda.mjs';

interface Trigger {
  type: string;
  name?: string;
  metadata: { address: string; listName: string };
}
interface ScaledObject {
  kind: 'ScaledObject';
  spec: { scaleTargetRef: { name: string }; triggers: Trigger[]; advanced?: { scalingModifiers?: { formula: string } } };
}

const k8s = join(__dirname, '..', '..', 'k8s');
const manifests = readdirSync(k8s)
  .filter((file) => file.endsWith('.yaml'))
  .map((file) => ({ file, documents: parseAllDocuments(readFileSync(join(k8s, file), 'utf8')).map((document) => document.toJS()) }));
const all = manifests.flatMap(({ documents }) => documents);
const configMap = (name: string) => all.find((document) => document?.kind === 'ConfigMap' && document.metadata.name === name).data;
const routing = parse(configMap('switchyard-config')['switchyard.yaml']) as { providers: Record<string, { kind: string }> };
const prefix: string = configMap('switchyard-env').SWITCHYARD_KEY_PREFIX;
const scaledObjects = all.filter((document): document is ScaledObject => document?.kind === 'ScaledObject');
const BACKLOG = ['wait', 'prioritized'];

/** The Deployment whose worker consumes a provider kind's queues. */
const familyOf = (kind: string) => (LOCAL_KINDS.has(kind) ? 'worker-local' : CLOUD_KINDS.has(kind) ? 'worker-cloud' : undefined);

describe('KEDA scaling of the workers (k8s/)', () => {
  it('knows which worker consumes every provider kind', () => {
    for (const kind of PROVIDER_KINDS) expect([LOCAL_KINDS.has(kind), CLOUD_KINDS.has(kind)].filter(Boolean), kind).toHaveLength(1);
  });

  it("watches every provider queue's waiting and prioritised jobs from exactly the worker family that consumes it", () => {
    const providers = Object.entries(routing.providers);
    expect(providers.map(([, provider]) => familyOf(provider.kind))).toEqual(expect.arrayContaining(['worker-cloud', 'worker-local']));
    for (const [name, provider] of providers) {
      for (const key of BACKLOG) {
        const listName = `${prefix}:llm:${name}:${key}`;
        const watchers = scaledObjects.filter((object) => object.spec.triggers.some((trigger) => trigger.metadata.listName === listName));
        expect(
          watchers.map((object) => object.spec.scaleTargetRef.name),
          listName,
        ).toStrictEqual([familyOf(provider.kind)]);
      }
    }
  });

  it("watches nothing but those queues, under the configmap's prefix and Redis", () => {
    const queues = new Set(Object.keys(routing.providers).flatMap((name) => BACKLOG.map((key) => `${prefix}:llm:${name}:${key}`)));
    const redisHost = new URL(configMap('switchyard-env').REDIS_URL).hostname;
    const triggers = scaledObjects.flatMap((object) => object.spec.triggers);
    expect(triggers.length).toBeGreaterThan(0);
    for (const trigger of triggers) {
      expect(trigger.type).toBe('redis');
      expect(queues.has(trigger.metadata.listName), trigger.metadata.listName).toBe(true);
      expect(trigger.metadata.address.split('.')[0]).toBe(redisHost);
    }
  });

  it("scales each family on the sum of its queues' backlogs", () => {
    for (const object of scaledObjects) {
      const terms = object.spec.advanced?.scalingModifiers?.formula.split('+').map((term) => term.trim());
      expect(terms?.sort()).toStrictEqual(object.spec.triggers.map((trigger) => trigger.name).sort());
    }
  });

  it('commits the files scripts/generate-keda.mjs writes from the configmap', () => {
    for (const { file, text } of renderAll()) {
      expect(manifests.find((manifest) => manifest.file === file) === undefined ? undefined : readFileSync(join(k8s, file), 'utf8'), file).toBe(text);
    }
    const kustomization = readFileSync(join(k8s, 'kustomization.yaml'), 'utf8');
    expect(kustomization).toMatch(/^ {2}- worker-cloud-keda\.yaml$/m);
    expect(kustomization).toMatch(/^ {2}# - worker-local-keda\.yaml$/m);
  });
});
