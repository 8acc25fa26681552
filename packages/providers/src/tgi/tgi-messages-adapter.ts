import type OpenAI from 'openai';
import { OpenAIAdapter } from '../openai/openai-adapter';
import { toOpenAIRequest } from '../openai/to-openai-request';
import type { GenerateParams } from '../provider-adapter';
import { tgiGrammarOf } from './tgi-grammar';

/**
 * TGI's Messages API is OpenAI's body except for `response_format`: TGI
 * reads it as its own grammar (`{type: 'json', value: schema}`) and refuses
 * OpenAI's `json_schema` wrapper.
 */
export class TgiMessagesAdapter extends OpenAIAdapter {
  protected override requestBody(params: GenerateParams): OpenAI.ChatCompletionCreateParamsNonStreaming {
    const body = toOpenAIRequest(params);
    const grammar = tgiGrammarOf(params.request.response_format);
    if (grammar === undefined) return body;
    return { ...body, response_format: grammar as unknown as OpenAI.ResponseFormatJSONObject };
  }
}
