export { costUsd, type Price, type TokenUsage } from './cost-usd';
export { approximatePromptTokens, countPromptTokens, type PromptTokenCount } from './count-prompt-tokens';
export { type EncodingName, PROXY_ENCODING, type TokenizerName, tokenizerForModel } from './tokenizer-for-model';
export { warmTokenizers } from './warm-tokenizers';
