import { describe, expect, it } from 'vitest';
import { parseNvidiaSmi } from './gpu-probe';
import { promSample } from './prometheus-text';

describe('what worker-local reads off nvidia-smi and /metrics', () => {
  it('sums the GPUs of nvidia-smi csv (MiB to bytes) and averages their utilisation', () => {
    expect(parseNvidiaSmi('30, 1024, 81920\n50, 2048, 81920\n')).toStrictEqual({
      utilization: 40,
      memory_used_bytes: 3072 * 1024 * 1024,
      memory_total_bytes: 163840 * 1024 * 1024,
    });
  });

  it('reads "unknown" from output it cannot parse', () => {
    expect(parseNvidiaSmi('')).toBe('unknown');
    expect(parseNvidiaSmi('No devices were found')).toBe('unknown');
  });

  it('finds a sample with or without labels, skipping comments', () => {
    const text = '# HELP llamacpp:requests_deferred x\nllamacpp:requests_deferred 3\nvllm:num_requests_running{model_name="m"} 2\n';
    expect(promSample(text, 'llamacpp:requests_deferred')).toBe(3);
    expect(promSample(text, 'vllm:num_requests_running')).toBe(2);
    expect(promSample(text, 'absent')).toBeUndefined();
  });
});
