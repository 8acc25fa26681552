import { type ChatMessage, InvalidRequestError } from '@switchyard/contracts';
import type { GenerateParams } from '../provider-adapter';
import { type TgiJsonGrammar, tgiGrammarOf } from './tgi-grammar';

/** TGI refuses more stop sequences than this unless started with a larger `--max-stop-sequences`. */
export const TGI_MAX_STOP_SEQUENCES = 4;

export const CHATML_START = '<|im_start|>';
export const CHATML_END = '<|im_end|>';

export interface TgiGenerateParameters {
  max_new_tokens?: number;
  temperature?: number;
  do_sample?: boolean;
  top_p?: number;
  seed?: number;
  stop: string[];
  details: true;
  decoder_input_details: true;
  grammar?: TgiJsonGrammar;
}

export interface TgiGenerateRequest {
  /**
   * TGI serves one model and ignores fields it does not know; the id is sent
   * anyway so that a proxy in front of several TGI servers can route on it.
   */
  model: string;
  inputs: string;
  parameters: TgiGenerateParameters;
}

function textOf(message: ChatMessage, index: number): string {
  const { content } = message;
  if (content === null || content === undefined) return '';
  if (typeof content === 'string') return content;
  let text = '';
  for (const part of content) {
    if (part.type === 'text') text += part.text;
    else if (part.type === 'refusal') text += part.refusal;
    // A text prompt has no place for images, audio or files; dropping them would answer a different question.
    else throw new InvalidRequestError('This provider accepts text content only.', { param: `messages[${index}].content` });
  }
  return text;
}

/**
 * The chat as one prompt in ChatML: every message becomes
 * `<|im_start|>{role}\n{text}<|im_end|>\n`, and an open assistant turn,
 * `<|im_start|>assistant\n`, asks for the reply. `developer` is written as
 * `system`. ChatML is the template most instruction-tuned models on TGI were
 * trained with or tolerate; models with another template belong on the
 * Messages API, where TGI applies the model's own.
 */
export function chatMLPrompt(messages: readonly ChatMessage[]): string {
  let prompt = '';
  messages.forEach((message, index) => {
    const role = message.role === 'developer' ? 'system' : message.role;
    prompt += `${CHATML_START}${role}\n${textOf(message, index)}${CHATML_END}\n`;
  });
  return `${prompt}${CHATML_START}assistant\n`;
}

/**
 * The caller's stop sequences first, then the template's end of turn while
 * TGI's limit leaves room: a model that does not emit ChatML's end token as
 * its end of sequence would otherwise write the next turn too.
 */
export function stopSequences(stop: string | readonly string[] | null | undefined): string[] {
  const out = stop == null ? [] : typeof stop === 'string' ? [stop] : [...stop];
  if (out.length < TGI_MAX_STOP_SEQUENCES && !out.includes(CHATML_END)) out.push(CHATML_END);
  return out;
}

/**
 * The body of TGI's native `POST /generate`. Sampling values TGI refuses are
 * expressed the way it accepts them: temperature 0 is greedy decoding (TGI
 * wants a temperature above 0), and top_p 1 is no nucleus filter (TGI wants it
 * below 1). `decoder_input_details` makes TGI list the prompt's tokens, the
 * only prompt token count it gives.
 */
export function toTgiGenerateRequest({ model, request }: GenerateParams): TgiGenerateRequest {
  if (request.tools !== undefined && request.tools.length > 0) {
    throw new InvalidRequestError('This provider does not support tools.', { param: 'tools' });
  }
  const parameters: TgiGenerateParameters = { stop: stopSequences(request.stop), details: true, decoder_input_details: true };
  const limit = request.max_completion_tokens ?? request.max_tokens;
  if (limit != null) parameters.max_new_tokens = limit;
  if (request.temperature != null && request.temperature > 0) {
    parameters.temperature = request.temperature;
    parameters.do_sample = true;
  }
  if (request.top_p != null && request.top_p > 0 && request.top_p < 1) parameters.top_p = request.top_p;
  if (request.seed != null) parameters.seed = request.seed;
  const grammar = tgiGrammarOf(request.response_format);
  if (grammar !== undefined) parameters.grammar = grammar;
  return { model, inputs: chatMLPrompt(request.messages), parameters };
}
