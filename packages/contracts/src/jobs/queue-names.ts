/**
 * BullMQ forbids ':' in queue names, so the `llm` part of a provider queue's
 * Redis keys comes from the key prefix: provider `openai` lives under
 * `<prefix>:llm:openai:*`, which operators see as the queue `llm:openai`.
 */
export const DEFAULT_KEY_PREFIX = 'sy';

export function llmQueuePrefix(prefix: string = DEFAULT_KEY_PREFIX): string {
  return `${prefix}:llm`;
}

/** The queue of one provider: its limits then hold across every worker consuming it. */
export function llmQueueName(provider: string): string {
  return provider;
}

export function replyChannel(prefix: string, instanceId: string): string {
  return `${prefix}:reply:${instanceId}`;
}

/** Every worker listens here for requests whose caller went away; the message is the request's job id. */
export function cancelChannel(prefix: string): string {
  return `${prefix}:cancel`;
}

const PROVIDER_NAME = /^[a-z0-9][a-z0-9_-]{0,62}$/;

export function isValidProviderName(name: string): boolean {
  return PROVIDER_NAME.test(name);
}
