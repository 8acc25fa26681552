/** State shared between a chat request's handlers and its `close` listener. */
export interface ChatExchange {
  timer: NodeJS.Timeout | undefined;
  /** Set when the mock cut the stream itself, which is not a client abort. */
  brokenOnPurpose: boolean;
}
