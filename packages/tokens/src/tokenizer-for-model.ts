/** The BPE encodings this package loads. */
export type EncodingName = 'o200k_base' | 'cl100k_base';

/**
 * What a count was made with: an OpenAI model's own encoding, or
 * `approximate` for every other model (Llama, Gemini, Mistral, local
 * models…), whose tokenizers are not shipped here. Those are counted with
 * cl100k_base as a proxy: close for Llama 3, whose vocabulary extends
 * cl100k's; other vocabularies (Gemini's, Mistral's SentencePiece) may
 * differ by tens of percent, more outside English. The provider's own count
 * replaces the estimate wherever it reports one.
 */
export type TokenizerName = EncodingName | 'approximate';

/** The encoding an `approximate` count is made with. */
export const PROXY_ENCODING: EncodingName = 'cl100k_base';

// The separator after the family keeps `o1` from matching `o1x` and `gpt-4` from matching `gpt-40`.
// gpt-oss uses o200k_harmony, which is o200k_base plus chat-format special tokens: the same counts for text.
const O200K_FAMILIES = /^(?:gpt-4o|chatgpt-4o|gpt-4\.1|gpt-4\.5|gpt-5|gpt-oss|o[1-9])(?:[-.:_@]|$)/;
const CL100K_FAMILIES = /^(?:gpt-4|gpt-3\.5|gpt-35)(?:[-.:_@]|$)/;

/**
 * The tokenizer for a provider's model id. Router prefixes (`openai/gpt-4o`)
 * and fine-tune names (`ft:gpt-4o-mini:org::id`) keep their base model's.
 */
export function tokenizerForModel(model: string): TokenizerName {
  let name = model.trim().toLowerCase();
  name = name.slice(name.lastIndexOf('/') + 1);
  if (name.startsWith('ft:')) name = name.slice(3);
  if (O200K_FAMILIES.test(name)) return 'o200k_base';
  if (CL100K_FAMILIES.test(name)) return 'cl100k_base';
  return 'approximate';
}
