/**
 * llama.cpp's `llama-server`: its chat endpoint is the OpenAI wire unchanged,
 * so this only adds the server's own endpoints: `/health`, `/props`, `/slots`, `/metrics` and router mode's `/models`.
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

/** Bytes the mock's llama-server reports for each model it holds. */
export const LLAMACPP_MOCK_MODEL_BYTES = 2_000_000;

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

const slots = (): WireAnswer =>
  jsonAnswer(
    200,
    Array.from({ length: LLAMACPP_MOCK_SLOTS }, (_, id) => ({ id, n_ctx: LLAMACPP_MOCK_N_CTX, is_processing: false })),
  );

const metrics = (): WireAnswer => ({
  status: 200,
  contentType: 'text/plain; version=0.0.4',
  body: [
    '# HELP llamacpp:predicted_tokens_seconds Average generation throughput in tokens/s.',
    '# TYPE llamacpp:predicted_tokens_seconds gauge',
    'llamacpp:predicted_tokens_seconds 42.5',
    '# TYPE llamacpp:requests_processing gauge',
    'llamacpp:requests_processing 0',
    '# TYPE llamacpp:requests_deferred gauge',
    'llamacpp:requests_deferred 0',
    '',
  ].join('\n'),
});

/**
 * llama-server's router mode: `/models` lists the models it can serve and
 * which are loaded; `/models/load` and `/models/unload` change that.
 */
function createRouter(): { getAnswers: Record<string, () => WireAnswer>; postAnswers: Record<string, (body: unknown) => WireAnswer>; reset(): void } {
  const loaded = new Set<string>([MOCK_MODEL_ID]);
  const modelOf = (body: unknown): string | undefined => {
    const model = (body as { model?: unknown } | undefined)?.model;
    return typeof model === 'string' && model.length > 0 ? model : undefined;
  };
  const missingModel = jsonAnswer(400, { error: { code: 400, message: '"model" is required', type: 'invalid_request_error' } });
  return {
    getAnswers: {
      '/models': () =>
        jsonAnswer(200, {
          object: 'list',
          data: [...new Set([MOCK_MODEL_ID, ...loaded])].map((id) => ({
            id,
            object: 'model',
            size: LLAMACPP_MOCK_MODEL_BYTES,
            status: { value: loaded.has(id) ? 'loaded' : 'unloaded' },
          })),
        }),
    },
    postAnswers: {
      '/models/load': (body) => {
        const model = modelOf(body);
        if (model === undefined) return missingModel;
        loaded.add(model);
        return jsonAnswer(200, { success: true });
      },
      '/models/unload': (body) => {
        const model = modelOf(body);
        if (model === undefined) return missingModel;
        loaded.delete(model);
        return jsonAnswer(200, { success: true });
      },
    },
    reset: () => {
      loaded.clear();
      loaded.add(MOCK_MODEL_ID);
    },
  };
}

const health: WireAnswer = { status: 200, body: '{"status":"ok"}' };

/**
 * The OpenAI wire with llama-server's endpoints added. `/health` has the body
 * the server already answers for every wire, so adding it changes nothing for
 * clients of the other wires.
 */
export function withLlamaCppEndpoints(openai: MockWire): MockWire {
  const router = createRouter();
  return {
    ...openai,
    getAnswers: { ...openai.getAnswers, '/health': () => health, '/props': props, '/slots': slots, '/metrics': metrics, ...router.getAnswers },
    postAnswers: { ...openai.postAnswers, ...router.postAnswers },
    reset: () => {
      openai.reset?.();
      router.reset();
    },
  };
}
