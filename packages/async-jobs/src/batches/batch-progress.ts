import { batchKeys, batchStoppedKey } from '@switchyard/contracts';
import { runScript } from '@switchyard/queue';
import type { Redis } from 'ioredis';

/** How long a batch may run (OpenAI's `24h` completion window). */
export const COMPLETION_WINDOW_MS = 24 * 3600 * 1000;
/** A running batch's Redis state outlives its window, so an expiry round still finds it. */
const KEPT_MS = COMPLETION_WINDOW_MS * 2;

// Counts a line once (a job run twice records the same line twice) and says whether it was the last.
// The lines expire with the batch's other keys, should the batch never be finished.
const RECORD_LINE = `
if redis.call('HSETNX', KEYS[2], ARGV[1], ARGV[2]) == 0 then return -1 end
redis.call('PEXPIRE', KEYS[2], ARGV[4])
local done = redis.call('HINCRBY', KEYS[1], ARGV[3], 1)
local progress = redis.call('HMGET', KEYS[1], 'total', 'completed', 'failed')
if tonumber(progress[2] or '0') + tonumber(progress[3] or '0') == tonumber(progress[1] or '-1') then return 1 end
return 0
`;

/**
 * A running batch's state in Redis, where its lines are counted while they
 * run: its line count and progress, each line's output line, its jobs' ids,
 * and whether it was stopped. The batch row is written when the batch ends.
 */
export class BatchProgress {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  private keys(batchId: string) {
    return batchKeys(this.prefix, batchId);
  }

  async start(batchId: string, total: number, tenant: string): Promise<void> {
    const keys = this.keys(batchId);
    await this.redis
      .multi()
      .hset(keys.progress, 'total', String(total), 'completed', '0', 'failed', '0', 'tenant', tenant)
      .pexpire(keys.progress, KEPT_MS)
      .exec();
  }

  /** Lines that could not be queued never end: they leave the count, so the batch can end without them. */
  async shrinkTotal(batchId: string, total: number): Promise<void> {
    await this.redis.hset(this.keys(batchId).progress, 'total', String(total));
  }

  /** Whether the batch runs under this deployment's key prefix (a database shared with another deployment holds its batches too). */
  async runsHere(batchId: string): Promise<boolean> {
    return (await this.redis.exists(this.keys(batchId).progress)) !== 0;
  }

  async counts(batchId: string): Promise<{ completed: number; failed: number }> {
    const [completed, failed] = await this.redis.hmget(this.keys(batchId).progress, 'completed', 'failed');
    return { completed: Number(completed ?? 0), failed: Number(failed ?? 0) };
  }

  async addJobs(batchId: string, jobIds: readonly string[]): Promise<void> {
    await this.redis.rpush(this.keys(batchId).jobs, ...jobIds);
  }

  /** Every line is queued: the list of their jobs lives as long as the rest. */
  async allJobsAdded(batchId: string): Promise<void> {
    await this.redis.pexpire(this.keys(batchId).jobs, KEPT_MS);
  }

  async jobIds(batchId: string): Promise<string[]> {
    return this.redis.lrange(this.keys(batchId).jobs, 0, -1);
  }

  /** From now on a line that starts ends cancelled: its worker reads this. */
  async markStopped(batchId: string): Promise<void> {
    await this.redis.set(batchStoppedKey(this.prefix, batchId), '1', 'PX', KEPT_MS);
  }

  /**
   * Keeps a line's output line (`ok`: it goes to the output file, not the
   * error file), once per line; true when it was the batch's last line.
   */
  async recordLine(batchId: string, line: number, ok: boolean, output: string): Promise<boolean> {
    const keys = this.keys(batchId);
    const last = await runScript(this.redis, 'switchyardBatchLine', RECORD_LINE, 2, [
      keys.progress,
      keys.lines,
      String(line),
      `${ok ? '1' : '0'}${output}`,
      ok ? 'completed' : 'failed',
      String(KEPT_MS),
    ]);
    return last === 1;
  }

  /** The recorded output lines, each kind in input order. */
  async recordedLines(batchId: string): Promise<{ outputs: string[]; failures: string[] }> {
    const recorded = await this.redis.hgetall(this.keys(batchId).lines);
    const ordered = Object.entries(recorded).sort(([a], [b]) => Number(a) - Number(b));
    return {
      outputs: ordered.filter(([, value]) => value.startsWith('1')).map(([, value]) => value.slice(1)),
      failures: ordered.filter(([, value]) => value.startsWith('0')).map(([, value]) => value.slice(1)),
    };
  }

  async remove(batchId: string): Promise<void> {
    const keys = this.keys(batchId);
    await this.redis.unlink(keys.progress, keys.lines, keys.jobs, batchStoppedKey(this.prefix, batchId));
  }
}
