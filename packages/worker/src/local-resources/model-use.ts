/** When this worker last loaded or called each local model, for `last_used_at` and LRU eviction. */
export class ModelUse {
  private readonly lastUsed = new Map<string, number>();

  used(provider: string, model: string, at = Date.now()): void {
    this.lastUsed.set(`${provider}\u0000${model}`, at);
  }

  forget(provider: string, model: string): void {
    this.lastUsed.delete(`${provider}\u0000${model}`);
  }

  /** Unknown models read as used when first seen, so a model loaded outside Switchyard is not the first evicted. */
  lastUsedAt(provider: string, model: string): number {
    const key = `${provider}\u0000${model}`;
    const known = this.lastUsed.get(key);
    if (known !== undefined) return known;
    const now = Date.now();
    this.lastUsed.set(key, now);
    return now;
  }
}
