export { estimateCharge } from './charge-estimate';
export { KeyDirectory, type KeyIdentity } from './key-directory';
export { type ChargeEstimate, KeyLimiter, type KeyUsageNow, type LimitDecision, type RefusedLimit, toNanoUsd, type WindowState } from './key-limiter';
export { type CachedAnswer, type CachePolicy, ResponseCache } from './response-cache';
