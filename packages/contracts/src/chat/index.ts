export { MAX_JSON_DEPTH, nestsDeeperThan } from './bounded-json-object';
export * from './chat-completion-chunk';
export * from './chat-completion-request';
export * from './chat-completion-response';
export * from './chat-message';
export * from './parse-chat-completion-request';
export * from './prompted-chat-request';
export * from './structured-output';
