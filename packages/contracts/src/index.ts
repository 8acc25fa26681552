export * from './chat';
export * from './errors';
export * from './jobs';
export * from './admin';
export * from './redis-keys';
