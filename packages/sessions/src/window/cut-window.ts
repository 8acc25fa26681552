import { type ChatMessage, InvalidRequestError } from '@switchyard/contracts';

/** One turn of a session's history: its input, then the assistant's answer, with their tokens counted once when it was written. */
export interface StoredTurn {
  /** The ticket the turn ran under: its key, and its order in the session. */
  ticket: number;
  /** Its place in the session's history, from 1. */
  turn: number;
  messages: ChatMessage[];
  /** The turn's messages' prompt tokens (the chat format's per-message overheads included). */
  tokens: number;
}

export interface WindowLimits {
  /** Most messages sent besides the system prompt, the new input included. */
  maxMessages?: number | null;
  /** Most prompt tokens in all: system prompt, history, new input and tool definitions. */
  maxTokens?: number | null;
}

export interface WindowInput {
  /** The turns from the session's current window start, oldest first. */
  turns: readonly StoredTurn[];
  /** Tokens of what every call carries: the system prompt, the new input, tool definitions and the reply priming. */
  fixedTokens: number;
  /** The new input's messages. */
  inputMessages: number;
  /** The new input starts with tool results: the last turn (whose answer made the tool calls) must stay. */
  inputAnswersTools: boolean;
  limits: WindowLimits;
}

export interface WindowCut {
  /** Index into `turns` of the first turn kept. */
  keepFrom: number;
  /** Tokens of the whole prompt as sent. */
  tokens: number;
  /** Messages besides the system prompt. */
  messages: number;
}

/**
 * Once the window overflows, turns are dropped until what is left is at
 * most this share of each limit. The start then stays put until the window
 * fills again, so the prompt's prefix (system prompt and oldest kept turns)
 * is the same for several turns in a row and a provider's prompt cache keeps
 * hitting; dropping one turn per turn would change the prefix every time.
 */
export const WINDOW_LOW_WATER = 0.5;

/**
 * Groups of turns that are dropped together: a turn whose input starts with
 * tool results belongs with the turn before it, whose answer made the calls,
 * so a tool call is never sent without its result or the other way round.
 * Returns the index of each group's first turn.
 */
export function dropPoints(turns: readonly StoredTurn[]): number[] {
  const points: number[] = [];
  turns.forEach((turn, index) => {
    if (index === 0 || turn.messages[0]?.role !== 'tool') points.push(index);
  });
  return points;
}

/**
 * Where this turn's window starts. Nothing moves while the whole history
 * since the last cut fits; when it does not, whole groups of turns are
 * dropped oldest first until it is under the low-water mark of both limits
 * (or only the groups that must stay are left). The system prompt and the
 * new input are always sent; when they alone pass the limit, the turn is
 * refused naming `messages`.
 */
export function cutWindow(input: WindowInput): WindowCut {
  const { turns, fixedTokens, inputMessages, limits } = input;
  const maxTokens = limits.maxTokens ?? Number.POSITIVE_INFINITY;
  const maxMessages = limits.maxMessages ?? Number.POSITIVE_INFINITY;
  // Suffix sums, so each candidate start is priced in O(1).
  const tokensFrom = new Array<number>(turns.length + 1).fill(0);
  const messagesFrom = new Array<number>(turns.length + 1).fill(0);
  for (let i = turns.length - 1; i >= 0; i--) {
    const turn = turns[i] as StoredTurn;
    tokensFrom[i] = (tokensFrom[i + 1] as number) + turn.tokens;
    messagesFrom[i] = (messagesFrom[i + 1] as number) + turn.messages.length;
  }
  const priced = (from: number): WindowCut => ({
    keepFrom: from,
    tokens: fixedTokens + (tokensFrom[from] as number),
    messages: inputMessages + (messagesFrom[from] as number),
  });
  const within = (cut: WindowCut, share: number) => cut.tokens <= maxTokens * share && cut.messages <= maxMessages * share;

  const whole = priced(0);
  if (within(whole, 1)) return whole;

  const points = dropPoints(turns);
  // The last group stays when the new input answers its tool calls.
  const lastDroppable = input.inputAnswersTools && points.length > 0 ? (points[points.length - 1] as number) : turns.length;
  let cut = whole;
  for (const point of [...points.slice(1), turns.length]) {
    if (point > lastDroppable) break;
    cut = priced(point);
    if (within(cut, WINDOW_LOW_WATER)) break;
  }
  if (!within(cut, 1)) {
    throw new InvalidRequestError(
      `The session's system prompt and this turn (${cut.tokens} tokens, ${cut.messages} messages) do not fit its window (max_tokens ${limits.maxTokens ?? 'none'}, max_messages ${limits.maxMessages ?? 'none'}).`,
      { param: 'messages' },
    );
  }
  return cut;
}
