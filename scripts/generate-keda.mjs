#!/usr/bin/env node
// Writes the KEDA ScaledObjects of k8s/ from the values k8s/configmap.yaml
// already holds: the routing config's providers (each worker family scales on
// the queues of the provider kinds it serves), SWITCHYARD_KEY_PREFIX and
// REDIS_URL, and the namespace from k8s/kustomization.yaml.
//
//   node scripts/generate-keda.mjs           rewrite the files
//   node scripts/generate-keda.mjs --check   exit 1 if they are out of date
//
// Run it after changing providers, the prefix or Redis in configmap.yaml.
// It reads the built packages: run `pnpm turbo run build` first.
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, parseAllDocuments, stringify } from 'yaml';
import { parseModelRouting } from '../packages/config/dist/index.js';
import { CLOUD_KINDS, LOCAL_KINDS, llmQueueKey } from '../packages/contracts/dist/index.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const k8s = join(root, 'k8s');

/**
 * The BullMQ keys of a queue's backlog: `wait` (a list) holds jobs without a
 * priority, `prioritized` (a sorted set) those with one, batch lines included.
 * KEDA's redis scaler counts either type (LLEN or ZCARD).
 */
export const BACKLOG_KEYS = ['wait', 'prioritized'];

/** Each worker family, the provider kinds it consumes and how far it scales. */
export const FAMILIES = [
  {
    name: 'worker-cloud',
    kinds: CLOUD_KINDS,
    minReplicaCount: 2,
    maxReplicaCount: 20,
    // Each pod runs 64 jobs at once (WORKER_CONCURRENCY); they mostly wait on the network.
    jobsPerReplica: 50,
    enabled: 'listed in kustomization.yaml: without KEDA in the cluster, drop that line',
  },
  {
    name: 'worker-local',
    kinds: LOCAL_KINDS,
    minReplicaCount: 1,
    maxReplicaCount: 4,
    // A model server runs few generations at once (WORKER_CONCURRENCY 8): more pods only help with more servers.
    jobsPerReplica: 8,
    enabled: 'commented out in kustomization.yaml, as worker-local.yaml is: uncomment both',
  },
];

function documentsOf(file) {
  return parseAllDocuments(readFileSync(join(k8s, file), 'utf8')).map((document) => document.toJS());
}

/** What the generated files are made from, read from the manifests themselves. */
export function readDeploymentValues() {
  const configMaps = documentsOf('configmap.yaml').filter((document) => document?.kind === 'ConfigMap');
  const routingText = configMaps.find((map) => map.metadata.name === 'switchyard-config')?.data?.['switchyard.yaml'];
  const env = configMaps.find((map) => map.metadata.name === 'switchyard-env')?.data;
  if (routingText === undefined || env === undefined) throw new Error('k8s/configmap.yaml must hold the switchyard-config and switchyard-env ConfigMaps');
  // Only provider names and kinds matter here, and those are never taken from the environment.
  const routing = parseModelRouting(parse(routingText), {}, 'k8s/configmap.yaml switchyard-config');
  const namespace = parse(readFileSync(join(k8s, 'kustomization.yaml'), 'utf8')).namespace ?? 'default';
  const redis = new URL(env.REDIS_URL ?? 'redis://redis:6379');
  // KEDA runs in its own namespace: a Service's short name does not resolve there.
  const host = redis.hostname.includes('.') ? redis.hostname : `${redis.hostname}.${namespace}.svc.cluster.local`;
  return {
    providers: Object.entries(routing.providers).map(([name, provider]) => ({ name, kind: provider.kind })),
    prefix: env.SWITCHYARD_KEY_PREFIX ?? 'sy',
    redisAddress: `${host}:${redis.port || '6379'}`,
  };
}

/** Trigger names are the identifiers of the scaling formula: letters, digits and `_`. */
const triggerName = (provider, key) => `${provider.replace(/-/g, '_')}_${key}`;

export function scaledObjectFor(family, { providers, prefix, redisAddress }) {
  const served = providers.filter((provider) => family.kinds.has(provider.kind)).map((provider) => provider.name);
  if (served.length === 0) return undefined;
  const triggers = served.flatMap((provider) =>
    BACKLOG_KEYS.map((key) => ({
      type: 'redis',
      name: triggerName(provider, key),
      metadata: {
        address: redisAddress,
        listName: `${llmQueueKey(prefix, provider)}:${key}`,
        listLength: String(family.jobsPerReplica),
      },
    })),
  );
  const names = triggers.map((trigger) => trigger.name);
  if (new Set(names).size !== names.length) throw new Error(`provider names of ${family.name} collide once '-' becomes '_': ${served.join(', ')}`);
  return {
    apiVersion: 'keda.sh/v1alpha1',
    kind: 'ScaledObject',
    metadata: { name: family.name, labels: { 'app.kubernetes.io/name': family.name, 'app.kubernetes.io/part-of': 'switchyard' } },
    spec: {
      scaleTargetRef: { name: family.name },
      minReplicaCount: family.minReplicaCount,
      maxReplicaCount: family.maxReplicaCount,
      pollingInterval: 15,
      cooldownPeriod: 300,
      advanced: {
        // One backlog per family: every queue it consumes, waiting and prioritised jobs alike, summed.
        scalingModifiers: { formula: names.join(' + '), target: String(family.jobsPerReplica), metricType: 'AverageValue' },
      },
      triggers,
    },
  };
}

function header(family) {
  return [
    `# GENERATED by scripts/generate-keda.mjs from k8s/configmap.yaml: edit that, then rerun the script.`,
    `#`,
    `# Scales ${family.name} on the backlog of the provider queues it consumes (provider`,
    `# kinds ${[...family.kinds].join(', ')}): the jobs waiting in`,
    `# \`<SWITCHYARD_KEY_PREFIX>:llm:<provider>:wait\` plus those with a priority (batch`,
    `# lines too) in \`:prioritized\`, summed over its queues, ${family.jobsPerReplica} jobs per replica.`,
    `# Jobs delayed on purpose or running are not counted.`,
    `#`,
    `# Needs KEDA 2.12 or later (https://keda.sh; scalingModifiers). This file is`,
    `# ${family.enabled}.`,
    `# KEDA connects to Redis from its own namespace, hence the full service name.`,
    `# With a Redis password, add a TriggerAuthentication and reference it from each trigger.`,
  ].join('\n');
}

export function renderAll(values = readDeploymentValues()) {
  return FAMILIES.map((family) => {
    const object = scaledObjectFor(family, values);
    return { file: `${family.name}-keda.yaml`, text: object === undefined ? undefined : `${header(family)}\n${stringify(object, { lineWidth: 0 })}` };
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const check = process.argv.includes('--check');
  const stale = [];
  for (const { file, text } of renderAll()) {
    const path = join(k8s, file);
    const current = existsSync(path) ? readFileSync(path, 'utf8') : undefined;
    if (current === text) continue;
    stale.push(file);
    if (check) continue;
    if (text === undefined) rmSync(path);
    else writeFileSync(path, text);
    process.stdout.write(`${text === undefined ? 'removed' : 'wrote'} k8s/${file}\n`);
  }
  if (check && stale.length > 0) {
    process.stderr.write(`out of date: ${stale.map((file) => `k8s/${file}`).join(', ')}; run node scripts/generate-keda.mjs\n`);
    process.exit(1);
  }
}
