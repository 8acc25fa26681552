import type { LocalModelState, LocalProviderState, ProviderKind } from '@switchyard/contracts';
import { EmbeddedAdapter, type ProviderAdapter } from '@switchyard/providers';
import { promSample } from './prometheus-text';

/** A local provider as the probes see it: its adapter, and the server address where it has one. */
export interface LocalBackend {
  provider: string;
  kind: ProviderKind;
  /** The server's root (no `/v1`); undefined for an embedded model. */
  root: string | undefined;
  adapter: ProviderAdapter;
}

/** What one probe found, before the publisher adds the time, the GPU and when each model was last used. */
export type ProbedState = Pick<LocalProviderState, 'models' | 'slots' | 'tokens_per_second'>;

const PROBE_TIMEOUT_MS = 3_000;

async function getJson<T>(url: string): Promise<T | undefined> {
  const response = await fetch(url, { signal: AbortSignal.timeout(PROBE_TIMEOUT_MS) }).catch(() => undefined);
  if (response === undefined || !response.ok) return undefined;
  return (await response.json().catch(() => undefined)) as T | undefined;
}

async function getText(url: string): Promise<string | undefined> {
  const response = await fetch(url, { signal: AbortSignal.timeout(PROBE_TIMEOUT_MS) }).catch(() => undefined);
  if (response === undefined || !response.ok) return undefined;
  return response.text().catch(() => undefined);
}

const model = (name: string, figures: Partial<Pick<LocalModelState, 'size_bytes' | 'ram_bytes' | 'vram_bytes'>> = {}): LocalModelState => ({
  model: name,
  size_bytes: figures.size_bytes ?? null,
  ram_bytes: figures.ram_bytes ?? null,
  vram_bytes: figures.vram_bytes ?? null,
  loaded: true,
  last_used_at: null,
});

/** Ollama's `/api/ps`: what is loaded, and how much of each sits in VRAM (the rest in RAM). Ollama reports no slots or throughput. */
async function probeOllama(root: string): Promise<ProbedState> {
  const ps = await getJson<{ models?: { name: string; size?: number; size_vram?: number }[] }>(`${root}/api/ps`);
  if (ps === undefined) throw new Error('ollama /api/ps did not answer');
  const models = (ps.models ?? []).map((entry) =>
    model(entry.name, {
      size_bytes: entry.size,
      vram_bytes: entry.size_vram,
      ram_bytes: entry.size === undefined ? undefined : Math.max(0, entry.size - (entry.size_vram ?? 0)),
    }),
  );
  return { models, slots: null, tokens_per_second: null };
}

interface LlamaCppRouterModel {
  id: string;
  size?: number;
  status?: { value?: string };
}

/** The models a llama.cpp server holds: router mode's `/models` where it answers, else the one model `/props` names. */
export async function llamaCppModels(root: string): Promise<{ models: LocalModelState[]; router: boolean; totalSlots: number | undefined }> {
  const [router, props] = await Promise.all([
    getJson<{ data?: LlamaCppRouterModel[] }>(`${root}/models`),
    getJson<{ model_path?: string; total_slots?: number }>(`${root}/props`),
  ]);
  if (router?.data !== undefined) {
    const loaded = router.data.filter((entry) => entry.status?.value === 'loaded');
    return { models: loaded.map((entry) => model(entry.id, { size_bytes: entry.size })), router: true, totalSlots: props?.total_slots };
  }
  if (props === undefined) throw new Error('llama.cpp /props did not answer');
  const name = props.model_path?.split('/').at(-1);
  return { models: name === undefined ? [] : [model(name)], router: false, totalSlots: props.total_slots };
}

/** llama.cpp: models from `/models` or `/props`, slots from `/slots`, the queue and throughput from `/metrics` (when the server runs with them on). */
async function probeLlamaCpp(root: string): Promise<ProbedState> {
  const [{ models, totalSlots }, slots, metrics] = await Promise.all([
    llamaCppModels(root),
    getJson<{ is_processing?: boolean }[]>(`${root}/slots`),
    getText(`${root}/metrics`),
  ]);
  const total = slots?.length ?? totalSlots;
  const busy =
    slots?.filter((slot) => slot.is_processing === true).length ?? (metrics === undefined ? undefined : promSample(metrics, 'llamacpp:requests_processing'));
  const queued = metrics === undefined ? 0 : (promSample(metrics, 'llamacpp:requests_deferred') ?? 0);
  return {
    models,
    slots: total === undefined ? null : { busy: busy ?? 0, queued, total },
    tokens_per_second: metrics === undefined ? null : (promSample(metrics, 'llamacpp:predicted_tokens_seconds') ?? null),
  };
}

/** vLLM and TGI: the models their adapter lists, and the running and waiting requests their `/metrics` gives (no slot count, so total is what runs). */
async function probeServer(backend: LocalBackend): Promise<ProbedState> {
  const names = (await backend.adapter.listModels?.()) ?? [];
  const metrics = backend.root === undefined ? undefined : await getText(`${backend.root}/metrics`);
  const [running, waiting] =
    backend.kind === 'vllm' ? ['vllm:num_requests_running', 'vllm:num_requests_waiting'] : ['tgi_batch_current_size', 'tgi_queue_size'];
  const busy = metrics === undefined ? undefined : promSample(metrics, running);
  const queued = metrics === undefined ? undefined : promSample(metrics, waiting);
  return {
    models: names.map((name) => model(name)),
    slots: busy === undefined ? null : { busy, queued: queued ?? 0, total: busy },
    tokens_per_second: null,
  };
}

/** An embedded model's own account: its file, its weights and context in this process, its sequences in use. */
async function probeEmbedded(adapter: EmbeddedAdapter): Promise<ProbedState> {
  const state = await adapter.state();
  const onGpu = state.gpu !== undefined && state.gpu !== false;
  const models = state.models.map((entry) => {
    const held = entry.modelBytes + entry.contextBytes;
    return model(entry.model, { size_bytes: entry.fileBytes, ram_bytes: onGpu ? 0 : held, vram_bytes: onGpu ? held : 0 });
  });
  const total = state.models.reduce((sum, entry) => sum + entry.slots, 0);
  const busy = state.models.reduce((sum, entry) => sum + entry.busySlots, 0);
  return { models, slots: state.models.length === 0 ? null : { busy, queued: 0, total }, tokens_per_second: null };
}

export function probeLocalBackend(backend: LocalBackend): Promise<ProbedState> {
  if (backend.adapter instanceof EmbeddedAdapter) return probeEmbedded(backend.adapter);
  if (backend.root === undefined) throw new Error(`no address for provider '${backend.provider}'`);
  if (backend.kind === 'ollama') return probeOllama(backend.root);
  if (backend.kind === 'llamacpp') return probeLlamaCpp(backend.root);
  return probeServer(backend);
}
