export { type BenchCase, UsageError } from './bench-case';
export { benchModels } from './bench-models';
export { fileSuite } from './file-suite';
export { goldenSuite } from './golden-suite';
export { type BenchmarkRun, runBenchmark } from './run-benchmark';
export type { ModelResult, Percentiles } from './summarise';
