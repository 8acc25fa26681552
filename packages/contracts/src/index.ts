export * from './chat';
export * from './errors';
export * from './jobs';
export * from './api';
export * from './redis-keys';
export * from './http';
export * from './providers';
