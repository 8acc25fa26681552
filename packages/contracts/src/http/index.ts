export { type HeaderLookup, parseRetryAfter, retryAfterFromHeaders } from './parse-retry-after';
