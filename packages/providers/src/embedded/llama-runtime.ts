import type { EmbeddedGpu } from './embedded-settings';

/** node-llama-cpp's module, as a type only: the module itself is imported on first use. */
export type NodeLlamaCpp = typeof import('node-llama-cpp', { with: { 'resolution-mode': 'import' }});
export type Llama = Awaited<ReturnType<NodeLlamaCpp['getLlama']>>;

export interface LlamaRuntime {
  lib: NodeLlamaCpp;
  llama: Llama;
}

const runtimes = new Map<string, Promise<LlamaRuntime>>();

/**
 * The llama.cpp bindings, loaded once per process and binary. Only a process
 * that runs an embedded model gets here, so the gateway and worker-cloud
 * never map the native library. `build: 'never'`: a missing prebuilt
 * binary is an install problem to report, not a reason to compile llama.cpp
 * inside a worker.
 */
export function loadLlamaRuntime(gpu: EmbeddedGpu = false): Promise<LlamaRuntime> {
  const key = String(gpu);
  let runtime = runtimes.get(key);
  if (runtime === undefined) {
    runtime = (async () => {
      const lib: NodeLlamaCpp = await import('node-llama-cpp');
      const llama = await lib.getLlama({ gpu, build: 'never', logLevel: lib.LlamaLogLevel.error, progressLogs: false });
      return { lib, llama };
    })();
    runtimes.set(key, runtime);
    runtime.catch(() => runtimes.delete(key));
  }
  return runtime;
}
