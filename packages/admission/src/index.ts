export { ResponseCache, type CachedAnswer, type CachePolicy } from './response-cache';
export { KeyDirectory, type KeyIdentity } from './key-directory';
export { KeyLimiter, toNanoUsd, type ChargeEstimate, type LimitDecision, type RefusedLimit, type WindowState } from './key-limiter';
export { estimateCharge } from './charge-estimate';
