export * from './llm-job';
export * from './queue-names';
export * from './webhook-delivery';
export * from './async-job';
export * from './batch';
