import { type GgufTensor, writeGguf } from './gguf-writer';

/**
 * A llama-architecture model small enough to write in a test (about 60 kB):
 * one block, random weights, a SentencePiece vocabulary with byte fallback
 * and a ChatML chat template. Its answers mean nothing, but they behave:
 * the output weights favour whole words and give the end-of-turn token a
 * logit of 0 against theirs of several units, so it practically never stops
 * on its own and every answer runs to `max_tokens` unless a stop, grammar or
 * abort ends it. The same seed writes the same file.
 */
export const TINY_LLAMA_CHAT_TEMPLATE =
  "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n'}}{% endfor %}" +
  "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";

/** Words the model answers with, each one token (SentencePiece marks the leading space with ▁). */
export const TINY_LLAMA_WORDS = [
  'the',
  'a',
  'river',
  'stone',
  'light',
  'green',
  'switch',
  'yard',
  'train',
  'track',
  'signal',
  'north',
  'south',
  'east',
  'west',
  'quiet',
  'fast',
  'slow',
  'red',
  'blue',
  'over',
  'under',
  'near',
  'far',
  'bridge',
  'tunnel',
  'engine',
  'car',
  'load',
  'route',
  'queue',
  'token',
  'model',
  'small',
  'large',
  'day',
  'night',
  'rain',
  'sun',
  'wind',
  'field',
  'city',
  'road',
  'line',
  'point',
] as const;

const CONTROL = { unk: '<unk>', bos: '<s>', eos: '</s>', imStart: '<|im_start|>', imEnd: '<|im_end|>' } as const;
const TOKEN_TYPE = { normal: 1, unknown: 2, control: 3, byte: 6 } as const;

export interface TinyLlamaOptions {
  seed?: number;
  /** Hidden size; 16 keeps the file tiny and generation far faster than the machine's overhead. */
  embeddingLength?: number;
  contextLength?: number;
}

interface Vocabulary {
  tokens: string[];
  types: number[];
  /** Ids whose output row is random (the words); every other row is zero. */
  wordIds: Set<number>;
}

function vocabulary(): Vocabulary {
  const tokens: string[] = [CONTROL.unk, CONTROL.bos, CONTROL.eos, CONTROL.imStart, CONTROL.imEnd];
  const types: number[] = [TOKEN_TYPE.unknown, TOKEN_TYPE.control, TOKEN_TYPE.control, TOKEN_TYPE.control, TOKEN_TYPE.control];
  for (let byte = 0; byte < 256; byte++) {
    tokens.push(`<0x${byte.toString(16).toUpperCase().padStart(2, '0')}>`);
    types.push(TOKEN_TYPE.byte);
  }
  // Printable ASCII as single pieces, so prompts and JSON need no byte fallback.
  tokens.push('▁');
  types.push(TOKEN_TYPE.normal);
  for (let code = 0x21; code < 0x7f; code++) {
    tokens.push(String.fromCharCode(code));
    types.push(TOKEN_TYPE.normal);
  }
  const wordIds = new Set<number>();
  for (const word of TINY_LLAMA_WORDS) {
    wordIds.add(tokens.length);
    tokens.push(`▁${word}`);
    types.push(TOKEN_TYPE.normal);
  }
  return { tokens, types, wordIds };
}

/** mulberry32: small, seedable, good enough for weights nobody reads. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function normal(next: () => number, scale: number): () => number {
  return () => scale * Math.sqrt(-2 * Math.log(next() || Number.MIN_VALUE)) * Math.cos(2 * Math.PI * next());
}

function filled(length: number, value: () => number): Float32Array {
  const data = new Float32Array(length);
  for (let i = 0; i < length; i++) data[i] = value();
  return data;
}

/** Writes the model to `path` (a `.gguf` file). */
export async function writeTinyLlamaGguf(path: string, options: TinyLlamaOptions = {}): Promise<void> {
  const { seed = 7, embeddingLength: embd = 16, contextLength = 2048 } = options;
  const heads = 2;
  const feedForward = 4 * embd;
  const vocab = vocabulary();
  const size = vocab.tokens.length;
  const next = random(seed);
  const weight = normal(next, 0.2);
  const one = () => 1;
  const output = new Float32Array(embd * size);
  const outputScale = normal(next, 1.5);
  for (const id of vocab.wordIds) for (let i = 0; i < embd; i++) output[id * embd + i] = outputScale();

  const tensors: GgufTensor[] = [
    { name: 'token_embd.weight', dims: [embd, size], data: filled(embd * size, normal(next, 1)) },
    { name: 'blk.0.attn_q.weight', dims: [embd, embd], data: filled(embd * embd, weight) },
    { name: 'blk.0.attn_k.weight', dims: [embd, embd], data: filled(embd * embd, weight) },
    { name: 'blk.0.attn_v.weight', dims: [embd, embd], data: filled(embd * embd, weight) },
    { name: 'blk.0.attn_output.weight', dims: [embd, embd], data: filled(embd * embd, weight) },
    { name: 'blk.0.ffn_gate.weight', dims: [embd, feedForward], data: filled(embd * feedForward, weight) },
    { name: 'blk.0.ffn_up.weight', dims: [embd, feedForward], data: filled(embd * feedForward, weight) },
    { name: 'blk.0.ffn_down.weight', dims: [feedForward, embd], data: filled(embd * feedForward, weight) },
    { name: 'blk.0.attn_norm.weight', dims: [embd], data: filled(embd, one) },
    { name: 'blk.0.ffn_norm.weight', dims: [embd], data: filled(embd, one) },
    { name: 'output_norm.weight', dims: [embd], data: filled(embd, one) },
    { name: 'output.weight', dims: [embd, size], data: output },
  ];
  const ids = (token: string) => vocab.tokens.indexOf(token);
  await writeGguf(
    path,
    {
      'general.architecture': 'llama',
      'general.name': 'switchyard tiny random llama',
      'general.file_type': 0,
      'general.alignment': 32,
      'llama.context_length': contextLength,
      'llama.embedding_length': embd,
      'llama.block_count': 1,
      'llama.feed_forward_length': feedForward,
      'llama.rope.dimension_count': embd / heads,
      'llama.attention.head_count': heads,
      'llama.attention.head_count_kv': heads,
      'llama.attention.layer_norm_rms_epsilon': { type: 'f32', value: 1e-5 },
      'tokenizer.ggml.model': 'llama',
      'tokenizer.ggml.tokens': vocab.tokens,
      'tokenizer.ggml.scores': { type: 'f32', values: vocab.tokens.map((_, id) => -id) },
      'tokenizer.ggml.token_type': { type: 'i32', values: vocab.types },
      'tokenizer.ggml.bos_token_id': ids(CONTROL.bos),
      // ChatML ends a turn with <|im_end|>: that is the end of generation.
      'tokenizer.ggml.eos_token_id': ids(CONTROL.imEnd),
      'tokenizer.ggml.unknown_token_id': ids(CONTROL.unk),
      'tokenizer.ggml.add_bos_token': true,
      'tokenizer.chat_template': TINY_LLAMA_CHAT_TEMPLATE,
    },
    tensors,
  );
}
