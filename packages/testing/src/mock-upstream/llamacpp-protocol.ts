/**
 * llama.cpp's `llama-server`: its chat endpoint is the OpenAI wire unchanged,
 * so this only adds the server's own GET endpoints, `/health` and `/props`.
 */

import { MOCK_MODEL_ID } from './mock-behaviour';
import { jsonAnswer, type MockWire, type WireAnswer } from './wire';

/** The context the mock's llama-server claims to have loaded, as `/props` reports it. */
export const LLAMACPP_MOCK_N_CTX = 4096;
export const LLAMACPP_MOCK_SLOTS = 4;

// llama-server answers every endpoint, /health included, with this body while the model loads.
export const LLAMACPP_LOADING_BODY = JSON.stringify({ error: { code: 503, message: 'Loading model', type: 'unavailable_error' } });

// The ChatML template llama-server reports for models that ship none.
const CHAT_TEMPLATE =
  "{%- for message in messages -%}\n  {{- '<|im_start|>' + message.role + '\\n' + message.content + '<|im_end|>\\n' -}}\n{%- endfor -%}\n{%- if add_generation_prompt -%}\n  {{- '<|im_start|>assistant\\n' -}}\n{%- endif -%}";

function props(): WireAnswer {
  return jsonAnswer(200, {
    default_generation_settings: {
      id: 0,
      id_task: -1,
      n_ctx: LLAMACPP_MOCK_N_CTX,
      speculative: false,
      is_processing: false,
      params: { n_predict: -1, temperature: 0.8, top_k: 40, top_p: 0.95, min_p: 0.05, seed: 4294967295, stream: false },
    },
    total_slots: LLAMACPP_MOCK_SLOTS,
    model_path: `/models/${MOCK_MODEL_ID}-Q4_K_M.gguf`,
    chat_template: CHAT_TEMPLATE,
    modalities: { vision: false, audio: false },
    build_info: 'b0000-mock',
  });
}

const health: WireAnswer = { status: 200, body: '{"status":"ok"}' };

/**
 * The OpenAI wire with llama-server's endpoints added. `/health` has the body
 * the server already answers for every wire, so adding it changes nothing for
 * clients of the other wires.
 */
export function withLlamaCppEndpoints(openai: MockWire): MockWire {
  return { ...openai, getAnswers: { ...openai.getAnswers, '/health': () => health, '/props': props } };
}
