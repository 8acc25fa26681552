import { InvalidRequestError } from '@switchyard/contracts';
import type { TaskDefinition } from '../core/task-definition';
import golden from './golden.json';

export interface ChatWithContextInput {
  context: string;
  messages: { role: 'user' | 'assistant'; content: string }[];
}

interface ChatWithContextOutput {
  reply: string;
  used_context: boolean;
}

export const chatWithContextTask: TaskDefinition<ChatWithContextInput, ChatWithContextOutput, undefined, ChatWithContextOutput> = {
  name: 'chat-with-context',
  description:
    "A conversation answered from a context you supply (a product's documentation, an account's facts): the next reply, and whether it drew on the context.",
  prompt: 'task-chat-with-context',
  inputSchema: {
    type: 'object',
    properties: {
      context: { type: 'string', minLength: 1, maxLength: 100_000 },
      messages: {
        type: 'array',
        minItems: 1,
        maxItems: 100,
        items: {
          type: 'object',
          properties: { role: { enum: ['user', 'assistant'] }, content: { type: 'string', minLength: 1, maxLength: 20_000 } },
          required: ['role', 'content'],
          additionalProperties: false,
        },
      },
    },
    required: ['context', 'messages'],
    additionalProperties: false,
  },
  outputSchema: {
    type: 'object',
    properties: { reply: { type: 'string', minLength: 1 }, used_context: { type: 'boolean' } },
    required: ['reply', 'used_context'],
    additionalProperties: false,
  },
  async: true,
  failClosed: false,
  prepare(input) {
    const last = input.messages.length - 1;
    if (input.messages[last]?.role !== 'user') {
      throw new InvalidRequestError('The conversation must end with a user message: the task answers it.', { param: `input.messages[${last}].role` });
    }
    return {
      variables: { context: input.context },
      // The conversation follows the rendered system prompt as real turns, not pasted into a template.
      messages: input.messages.map((message) => ({ role: message.role, content: message.content })),
      outputSchema: this.outputSchema,
      context: undefined,
    };
  },
  finish(_input, output) {
    return output;
  },
  golden: golden as TaskDefinition['golden'],
};
