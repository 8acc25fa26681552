import { type LocalProviderState, localResourcesKey } from '@switchyard/contracts';
import type { Logger } from '@switchyard/observability';
import { PeriodicRound, type Redis, withTimeout } from '@switchyard/queue';
import { Gauge, type Registry } from 'prom-client';
import { probeGpu } from './gpu-probe';
import { type LocalBackend, probeLocalBackend } from './local-probes';
import type { ModelUse } from './model-use';

const PROBE_TIMEOUT_MS = 4_000;

/** The gauges worker-local serves on `/metrics` from each snapshot. */
class LocalGauges {
  private readonly modelBytes: Gauge<'provider' | 'model' | 'memory'>;
  private readonly slots: Gauge<'provider' | 'state'>;
  private readonly tokensPerSecond: Gauge<'provider'>;
  private readonly gpu: Gauge<'measure'>;

  constructor(registry: Registry) {
    const registers = [registry];
    this.modelBytes = new Gauge({
      name: 'switchyard_local_model_bytes',
      help: 'Memory a loaded local model holds, by kind of memory (ram, vram, size on disk).',
      labelNames: ['provider', 'model', 'memory'],
      registers,
    });
    this.slots = new Gauge({
      name: 'switchyard_local_slots',
      help: "A local server's decoding slots: busy, queued, total.",
      labelNames: ['provider', 'state'],
      registers,
    });
    this.tokensPerSecond = new Gauge({
      name: 'switchyard_local_tokens_per_second',
      help: 'Recent generation throughput a local server reports.',
      labelNames: ['provider'],
      registers,
    });
    this.gpu = new Gauge({
      name: 'switchyard_local_gpu',
      help: "This node's GPUs per nvidia-smi: utilization (percent), memory_used_bytes, memory_total_bytes.",
      labelNames: ['measure'],
      registers,
    });
  }

  /** The model series each provider had last round, removed when the model is gone. */
  private readonly modelSeries = new Map<string, { provider: string; model: string; memory: string }[]>();

  record(state: LocalProviderState): void {
    for (const labels of this.modelSeries.get(state.provider) ?? []) this.modelBytes.remove(labels);
    const series: { provider: string; model: string; memory: string }[] = [];
    for (const entry of state.models) {
      for (const [memory, value] of [
        ['ram', entry.ram_bytes],
        ['vram', entry.vram_bytes],
        ['size', entry.size_bytes],
      ] as const) {
        if (value === null) continue;
        const labels = { provider: state.provider, model: entry.model, memory };
        this.modelBytes.set(labels, value);
        series.push(labels);
      }
    }
    this.modelSeries.set(state.provider, series);
    if (state.slots !== null) for (const [name, value] of Object.entries(state.slots)) this.slots.set({ provider: state.provider, state: name }, value);
    if (state.tokens_per_second !== null) this.tokensPerSecond.set({ provider: state.provider }, state.tokens_per_second);
    if (state.gpu !== 'unknown') for (const [name, value] of Object.entries(state.gpu)) this.gpu.set({ measure: name }, value);
  }
}

/**
 * worker-local gathers what each local provider holds (loaded models, their
 * memory, slots, throughput, the node's GPUs) every few seconds and leaves it
 * in Redis, one key per provider, for the gateway's `GET /admin/local`. A
 * snapshot expires after three rounds, so a provider whose worker stopped
 * drops out.
 */
export class LocalResourcesPublisher {
  private readonly rounds: PeriodicRound;
  private readonly gauges: LocalGauges | undefined;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly backends: readonly LocalBackend[],
    private readonly use: ModelUse,
    private readonly logger: Logger,
    registry: Registry | undefined,
    private readonly everyMs = 5_000,
  ) {
    this.rounds = new PeriodicRound(() => this.publishRound(), everyMs);
    this.gauges = registry === undefined ? undefined : new LocalGauges(registry);
  }

  /** One provider's state now; also what a load command consults for the memory budget. */
  async snapshot(backend: LocalBackend, gpu?: LocalProviderState['gpu']): Promise<LocalProviderState> {
    const [probed, gpuNow] = await Promise.all([withTimeout(probeLocalBackend(backend), PROBE_TIMEOUT_MS), gpu ?? probeGpu()]);
    return {
      provider: backend.provider,
      kind: backend.kind,
      at: Date.now(),
      ...probed,
      models: probed.models.map((entry) => ({ ...entry, last_used_at: this.use.lastUsedAt(backend.provider, entry.model) })),
      gpu: gpuNow,
    };
  }

  /** Gathers and publishes one provider now (after a load or unload, so the gateway sees it at once). */
  async publish(backend: LocalBackend, gpu?: LocalProviderState['gpu']): Promise<void> {
    try {
      const state = await this.snapshot(backend, gpu);
      await this.redis.set(localResourcesKey(this.prefix, backend.provider), JSON.stringify(state), 'PX', this.everyMs * 3);
      this.gauges?.record(state);
    } catch (error) {
      this.logger.warn({ provider: backend.provider, err: (error as Error).message }, 'could not gather the local provider state');
    }
  }

  private async publishRound(): Promise<void> {
    const gpu = await probeGpu();
    await Promise.all(this.backends.map((backend) => this.publish(backend, gpu)));
  }

  start(): void {
    void this.rounds.start();
  }

  stop(): void {
    this.rounds.stop();
  }
}
