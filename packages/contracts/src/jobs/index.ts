export * from './async-job';
export * from './batch';
export * from './llm-job';
export * from './provider-name';
export * from './webhook-delivery';
