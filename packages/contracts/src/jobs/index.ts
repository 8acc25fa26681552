export * from './llm-job';
export * from './queue-names';
