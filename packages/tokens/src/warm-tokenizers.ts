import { loadEncoding } from './text-counter';
import { PROXY_ENCODING, tokenizerForModel } from './tokenizer-for-model';

/**
 * Loads now the encodings these models (provider model ids) are counted
 * with. A first load blocks the event loop for 0.1-0.2 s; done at start, it
 * never stalls the requests and streams a busy process is serving.
 */
export function warmTokenizers(models: Iterable<string>): void {
  for (const model of models) {
    const tokenizer = tokenizerForModel(model);
    loadEncoding(tokenizer === 'approximate' ? PROXY_ENCODING : tokenizer);
  }
}
