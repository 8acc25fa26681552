import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import type { ModelCatalog, PlatformEnv } from '@switchyard/config';
import {
  deserializeError,
  InvalidRequestError,
  LOCAL_KINDS,
  LocalCommandTimeoutError,
  type LocalModelCommandResult,
  type LocalProviderState,
  type LocalProviderStateList,
  localControlChannel,
  localControlReplyKey,
  localResourcesKey,
  NotFoundError,
} from '@switchyard/contracts';
import type { Redis } from '@switchyard/queue';
import type { LocalModelReply } from '@switchyard/worker';
import { MODEL_CATALOG, PLATFORM_ENV, REDIS } from '../tokens';

/** How long the gateway waits for a worker to carry out a load or unload: a large model can take a while to load. */
export const LOCAL_COMMAND_TIMEOUT_MS = 60_000;
const REPLY_POLL_MS = 50;

const MAX_MODEL_CHARS = 512;

/**
 * The local providers' resources as their workers last published them, and
 * load/unload commands sent to those workers: the gateway itself never calls
 * a provider.
 */
@Injectable()
export class LocalModelsService {
  constructor(
    @Inject(MODEL_CATALOG) private readonly catalog: ModelCatalog,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(PLATFORM_ENV) private readonly env: PlatformEnv,
  ) {}

  async list(): Promise<LocalProviderStateList> {
    const local = [...this.catalog.providers.values()].filter((provider) => LOCAL_KINDS.has(provider.kind)).map((provider) => provider.name);
    if (local.length === 0) return { object: 'list', data: [] };
    const values = await this.redis.mget(...local.map((provider) => localResourcesKey(this.env.SWITCHYARD_KEY_PREFIX, provider)));
    const data = values.flatMap((value) => {
      if (value === null) return [];
      try {
        return [JSON.parse(value) as LocalProviderState];
      } catch {
        return [];
      }
    });
    return { object: 'list', data };
  }

  async command(provider: string, model: string, action: 'load' | 'unload', timeoutMs = LOCAL_COMMAND_TIMEOUT_MS): Promise<LocalModelCommandResult> {
    const configured = this.catalog.providers.get(provider);
    if (configured === undefined) throw new NotFoundError(`No provider '${provider}'.`);
    if (!LOCAL_KINDS.has(configured.kind)) {
      throw new InvalidRequestError(`Provider '${provider}' is a ${configured.kind} provider; only local providers load and unload models.`, {
        param: 'provider',
      });
    }
    if (model.trim() === '' || model.length > MAX_MODEL_CHARS) {
      throw new InvalidRequestError(`The model must be 1 to ${MAX_MODEL_CHARS} characters.`, { param: 'model' });
    }
    const prefix = this.env.SWITCHYARD_KEY_PREFIX;
    const id = randomUUID();
    const heard = await this.redis.publish(localControlChannel(prefix, provider), JSON.stringify({ id, action, model }));
    if (heard === 0) throw new LocalCommandTimeoutError(provider, 0);
    const replyKey = localControlReplyKey(prefix, id);
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const reply = await this.redis.getdel(replyKey);
      if (reply !== null) {
        const parsed = JSON.parse(reply) as LocalModelReply;
        if (parsed.ok) return parsed.result;
        throw deserializeError(parsed.error);
      }
      await new Promise((resolve) => setTimeout(resolve, REPLY_POLL_MS));
    }
    throw new LocalCommandTimeoutError(provider, timeoutMs);
  }
}
