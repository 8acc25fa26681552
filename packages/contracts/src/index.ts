export * from './api';
export * from './chat';
export * from './errors';
export * from './http';
export * from './jobs';
export * from './providers';
export * from './redis-keys';
