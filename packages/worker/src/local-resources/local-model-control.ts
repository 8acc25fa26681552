import {
  InvalidRequestError,
  type LocalModelCommandResult,
  type LocalProviderState,
  localControlChannel,
  localControlReplyKey,
  MemoryBudgetExceededError,
  type SerializedError,
  serializeError,
} from '@switchyard/contracts';
import type { Logger } from '@switchyard/observability';
import type { Redis } from '@switchyard/queue';
import type { LocalBackend } from './local-probes';
import type { LocalResourcesPublisher } from './local-resources-publisher';
import type { ModelUse } from './model-use';

/** A load or unload, as the gateway publishes it on the provider's control channel. */
export interface LocalModelCommand {
  id: string;
  action: 'load' | 'unload';
  model: string;
}

export type LocalModelReply = { ok: true; result: LocalModelCommandResult } | { ok: false; error: SerializedError };

/** How a provider's memory may be held: its budget, and whether a load past it evicts. */
export interface MemoryPolicy {
  memoryBudgetBytes?: number;
  evict?: 'lru';
}

const REPLY_TTL_MS = 60_000;

/** What a loaded model holds: its RAM and VRAM where the server says, else its size on disk. */
const heldBytes = (model: LocalProviderState['models'][number]): number => {
  const memory = (model.ram_bytes ?? 0) + (model.vram_bytes ?? 0);
  return memory > 0 ? memory : (model.size_bytes ?? 0);
};

async function postJson(url: string, body: unknown): Promise<void> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(120_000),
  });
  if (!response.ok) throw new InvalidRequestError(`The server answered ${response.status}: ${(await response.text()).slice(0, 200)}`, { param: 'model' });
}

/**
 * Carries out the gateway's load and unload commands for the local providers
 * this worker serves, keeping each within its memory budget, and leaves the
 * answer under a reply key the gateway polls. Commands come over pub/sub: a
 * command nobody hears is answered by the gateway's timeout.
 */
export class LocalModelControl {
  private constructor(
    private readonly subscriber: Redis,
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly backends: ReadonlyMap<string, LocalBackend>,
    private readonly policyOf: (provider: string) => MemoryPolicy,
    private readonly publisher: LocalResourcesPublisher,
    private readonly use: ModelUse,
    private readonly logger: Logger,
  ) {}

  static async start(options: {
    subscriber: Redis;
    redis: Redis;
    prefix: string;
    backends: readonly LocalBackend[];
    policyOf: (provider: string) => MemoryPolicy;
    publisher: LocalResourcesPublisher;
    use: ModelUse;
    logger: Logger;
  }): Promise<LocalModelControl> {
    const backends = new Map(options.backends.map((backend) => [backend.provider, backend]));
    const control = new LocalModelControl(
      options.subscriber,
      options.redis,
      options.prefix,
      backends,
      options.policyOf,
      options.publisher,
      options.use,
      options.logger,
    );
    const channels = new Map([...backends.keys()].map((provider) => [localControlChannel(options.prefix, provider), provider]));
    options.subscriber.on('message', (channel: string, message: string) => {
      const provider = channels.get(channel);
      if (provider !== undefined) void control.handle(provider, message);
    });
    if (channels.size > 0) await options.subscriber.subscribe(...channels.keys());
    return control;
  }

  private async handle(provider: string, message: string): Promise<void> {
    let command: LocalModelCommand;
    try {
      command = JSON.parse(message) as LocalModelCommand;
    } catch {
      return;
    }
    let reply: LocalModelReply;
    try {
      reply = { ok: true, result: await this.run(provider, command) };
    } catch (error) {
      this.logger.warn({ provider, model: command.model, action: command.action, err: (error as Error).message }, 'local model command failed');
      reply = { ok: false, error: serializeError(error) };
    }
    // NX: where several workers serve the provider, the first answer stands.
    await this.redis.set(localControlReplyKey(this.prefix, command.id), JSON.stringify(reply), 'PX', REPLY_TTL_MS, 'NX').catch(() => undefined);
  }

  async run(provider: string, { action, model }: Pick<LocalModelCommand, 'action' | 'model'>): Promise<LocalModelCommandResult> {
    const backend = this.backends.get(provider);
    if (backend === undefined) throw new InvalidRequestError(`This worker does not serve '${provider}'.`);
    const evicted: string[] = [];
    if (action === 'load') {
      const state = await this.publisher.snapshot(backend, 'unknown');
      if (!state.models.some((entry) => entry.model === model)) evicted.push(...(await this.makeRoom(backend, state, model)));
      await this.load(backend, model);
      this.use.used(provider, model);
    } else {
      await this.unload(backend, model);
      this.use.forget(provider, model);
    }
    await this.publisher.publish(backend);
    return { provider, model, action, loaded: action === 'load', evicted };
  }

  /** Checks the budget for `model`, unloading the least recently used models first under `evict: lru`; returns what it unloaded. */
  private async makeRoom(backend: LocalBackend, state: LocalProviderState, model: string): Promise<string[]> {
    const { memoryBudgetBytes: budget, evict } = this.policyOf(backend.provider);
    if (budget === undefined) return [];
    // The server tells no size before a load: a model is taken to need as much as the largest one it holds.
    const needed = Math.max(0, ...state.models.map(heldBytes));
    let used = state.models.reduce((sum, entry) => sum + heldBytes(entry), 0);
    if (used + needed <= budget) return [];
    if (evict !== 'lru' || needed > budget)
      throw new MemoryBudgetExceededError(backend.provider, model, { neededBytes: needed, usedBytes: used, budgetBytes: budget });
    const evicted: string[] = [];
    for (const victim of [...state.models].sort((a, b) => (a.last_used_at ?? 0) - (b.last_used_at ?? 0))) {
      if (used + needed <= budget) break;
      await this.unload(backend, victim.model);
      this.use.forget(backend.provider, victim.model);
      used -= heldBytes(victim);
      evicted.push(victim.model);
    }
    return evicted;
  }

  private async load(backend: LocalBackend, model: string): Promise<void> {
    if (backend.kind === 'llamacpp') return postJson(`${backend.root}/models/load`, { model });
    if (backend.adapter.preload === undefined) throw new InvalidRequestError(`Provider '${backend.provider}' (${backend.kind}) cannot load models on command.`);
    await backend.adapter.preload(model);
  }

  private async unload(backend: LocalBackend, model: string): Promise<void> {
    if (backend.kind === 'llamacpp') return postJson(`${backend.root}/models/unload`, { model });
    if (backend.adapter.unload === undefined)
      throw new InvalidRequestError(`Provider '${backend.provider}' (${backend.kind}) cannot unload models on command.`);
    await backend.adapter.unload(model);
  }

  async close(): Promise<void> {
    await this.subscriber.quit().catch(() => undefined);
  }
}
