#!/usr/bin/env node
// Runs the whole platform on this machine: mock upstream (the stand-in
// provider), worker-cloud, worker-local, the webhook dispatcher and the
// gateway, each restarted if it dies.
// Ctrl-C stops them all, letting workers finish their in-flight jobs.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultModelEnv } from './default-model.mjs';
import { readyBanner } from './start-banner.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const port = process.env.PORT ?? '8080';
const mockPort = process.env.MOCK_PORT ?? '8090';

const services = [
  process.env.SWITCHYARD_MOCK === 'off'
    ? undefined
    : { name: 'mock', script: 'packages/testing/dist/mock-upstream-cli.js', env: { MOCK_PORT: mockPort } },
  { name: 'worker-cloud', script: 'apps/worker-cloud/dist/main.js', env: {} },
  // Serves Ollama, llama.cpp, vLLM, TGI and embedded providers; exits at once when none is configured.
  { name: 'worker-local', script: 'apps/worker-local/dist/main.js', env: {} },
  { name: 'webhook-dispatcher', script: 'apps/webhook-dispatcher/dist/main.js', env: {} },
  { name: 'gateway', script: 'apps/gateway/dist/main.js', env: { PORT: port } },
].filter(Boolean);

/**
 * Webhooks are signed with WEBHOOK_SECRET. On a development machine without
 * one, a secret is made once and kept in .switchyard/webhook-secret (read it
 * there to verify deliveries), never printed.
 */
function developmentWebhookSecret() {
  const file = join(root, '.switchyard', 'webhook-secret');
  if (!existsSync(file)) {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, `whsec_${randomBytes(32).toString('base64')}\n`, { mode: 0o600 });
  }
  return readFileSync(file, 'utf8').trim();
}
if (!process.env.WEBHOOK_SECRET) process.env.WEBHOOK_SECRET = developmentWebhookSecret();

// `default` goes to an embedded small model when no provider key is set and the model can be had;
// the routing file reads the variables this sets (scripts/default-model.mjs says when).
const defaultModel = await defaultModelEnv(resolve(root, process.env.SWITCHYARD_CONFIG ?? 'switchyard.yaml'), process.env);
Object.assign(process.env, defaultModel.env);
if (defaultModel.line !== undefined) process.stdout.write(`${defaultModel.line}\n`);

const children = new Map();
let stopping = false;

function prefixLines(name, stream, target) {
  let buffered = '';
  stream.on('data', (chunk) => {
    buffered += chunk;
    const lines = buffered.split('\n');
    buffered = lines.pop() ?? '';
    for (const line of lines) target.write(`[${name}] ${line}\n`);
  });
}

function launch(service, restarts = 0) {
  const child = spawn(process.execPath, [join(root, service.script)], {
    cwd: root,
    env: { SWITCHYARD_MOCK_URL: `http://127.0.0.1:${mockPort}/v1`, ...process.env, ...service.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.set(service.name, child);
  prefixLines(service.name, child.stdout, process.stdout);
  prefixLines(service.name, child.stderr, process.stderr);
  child.on('exit', (code, signal) => {
    children.delete(service.name);
    if (stopping || code === 0) return;
    const delay = Math.min(30_000, 500 * 2 ** restarts);
    process.stderr.write(`[start] ${service.name} exited (${code ?? signal}); restarting in ${delay} ms\n`);
    setTimeout(() => launch(service, restarts + 1), delay);
  });
}

async function announceWhenReady() {
  for (let i = 0; i < 120; i++) {
    try {
      const response = await fetch(`http://127.0.0.1:${port}/readyz`);
      if (response.ok) {
        process.stdout.write(readyBanner(port, process.env.SWITCHYARD_API_KEY || undefined));
        return;
      }
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 500));
  }
}

function stop() {
  if (stopping) return;
  stopping = true;
  process.stdout.write('[start] stopping; workers finish their in-flight jobs first\n');
  for (const child of children.values()) child.kill('SIGTERM');
  const deadline = setTimeout(() => {
    for (const child of children.values()) child.kill('SIGKILL');
    process.exit(1);
  }, 130_000);
  const check = setInterval(() => {
    if (children.size === 0) {
      clearInterval(check);
      clearTimeout(deadline);
      process.exit(0);
    }
  }, 100);
}

process.on('SIGINT', stop);
process.on('SIGTERM', stop);
for (const service of services) launch(service);
void announceWhenReady();
