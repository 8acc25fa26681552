import { execFile } from 'node:child_process';
import type { LocalProviderState } from '@switchyard/contracts';

const MIB = 1024 * 1024;

/** Parses `nvidia-smi --query-gpu=utilization.gpu,memory.used,memory.total --format=csv,noheader,nounits`: one line per GPU, summed (utilisation averaged). */
export function parseNvidiaSmi(text: string): LocalProviderState['gpu'] {
  const rows = text
    .split('\n')
    .map((line) => line.split(',').map((field) => Number(field.trim())))
    .filter((fields) => fields.length === 3 && fields.every((value) => Number.isFinite(value)));
  if (rows.length === 0) return 'unknown';
  const sum = (index: number) => rows.reduce((total, fields) => total + (fields[index] ?? 0), 0);
  return { utilization: sum(0) / rows.length, memory_used_bytes: sum(1) * MIB, memory_total_bytes: sum(2) * MIB };
}

/** The GPUs' state where nvidia-smi is on PATH and answers within two seconds; "unknown" otherwise. */
export function probeGpu(): Promise<LocalProviderState['gpu']> {
  return new Promise((resolve) => {
    execFile('nvidia-smi', ['--query-gpu=utilization.gpu,memory.used,memory.total', '--format=csv,noheader,nounits'], { timeout: 2_000 }, (error, stdout) =>
      resolve(error ? 'unknown' : parseNvidiaSmi(stdout)),
    );
  });
}
