import { randomUUID } from 'node:crypto';
import OpenAI from 'openai';
import type { BenchCase } from './bench-case';
import { inPool } from './pool';
import { progressBar } from './progress';
import { recordedCost, runCase, type Sample } from './run-case';
import { type ModelResult, summarise } from './summarise';

export interface BenchmarkOptions {
  baseUrl: string;
  apiKey: string;
  suite: string;
  cases: BenchCase[];
  models: string[];
  runs: number;
  concurrency: number;
  stream: boolean;
  timeoutMs: number;
  /** Where the progress bar goes; stderr by default. */
  progress?: NodeJS.WriteStream;
}

/** A finished run: what `--json` writes and `model_benchmark_runs` stores. */
export interface BenchmarkRun {
  id: string;
  created_at: string;
  suite: string;
  models: string[];
  runs: number;
  concurrency: number;
  cases: number;
  results: Record<string, ModelResult>;
  /** The latencies of every answered request, per model, for the report's charts. */
  latencies_ms: Record<string, number[]>;
}

/** Sends every case to every model `runs` times, then reads each request's recorded cost. */
export async function runBenchmark(options: BenchmarkOptions): Promise<BenchmarkRun> {
  const client = new OpenAI({ apiKey: options.apiKey, baseURL: `${options.baseUrl.replace(/\/+$/, '')}/v1`, maxRetries: 0, timeout: options.timeoutMs });
  const work = options.models.flatMap((model) => Array.from({ length: options.runs }, () => options.cases.map((item) => ({ model, item }))).flat());
  const bar = progressBar(work.length, 'bench-models', options.progress);
  let samples: Sample[];
  try {
    samples = await inPool(work, options.concurrency, async ({ model, item }) => {
      const sample = await runCase(client, model, item, options.stream);
      bar.tick();
      return sample;
    });
  } finally {
    bar.stop();
  }
  await inPool(samples, options.concurrency, async (sample) => {
    if (sample.jobId !== null) sample.costUsd = await recordedCost(client, sample.jobId);
  });
  const results: Record<string, ModelResult> = {};
  const latencies: Record<string, number[]> = {};
  for (const model of options.models) {
    const own = samples.filter((s) => s.model === model);
    results[model] = summarise(model, own);
    latencies[model] = own.filter((s) => s.ok).map((s) => Math.round(s.latencyMs * 10) / 10);
  }
  return {
    id: `bench_${randomUUID().replaceAll('-', '').slice(0, 20)}`,
    created_at: new Date().toISOString(),
    suite: options.suite,
    models: options.models,
    runs: options.runs,
    concurrency: options.concurrency,
    cases: options.cases.length,
    results,
    latencies_ms: latencies,
  };
}
