import type { ChatCompletionCreateParamsNonStreaming } from 'openai/resources/chat/completions';

/** A chat request of a suite, without its model: the benchmark names the model. */
export type SuiteChatRequest = Omit<ChatCompletionCreateParamsNonStreaming, 'model'> & { model?: string };

/** One case of a suite: what is sent, and how many checks its answer is held to. */
export type BenchCase =
  | {
      kind: 'task';
      name: string;
      task: string;
      input: Record<string, unknown>;
      /** How many of the case's checks the task's output passes. */
      score(output: unknown): { passed: number; total: number };
      checks: number;
    }
  | {
      kind: 'chat';
      name: string;
      request: SuiteChatRequest;
      /** How many of the case's checks the answer's text passes. */
      score(text: string): { passed: number; total: number };
      checks: number;
    };

/** Thrown for what the caller typed wrong: the CLI prints it and exits with code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}
