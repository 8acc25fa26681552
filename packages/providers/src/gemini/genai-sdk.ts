/**
 * `@google/genai`, loaded at its first use rather than at import: it is some
 * 20 MB of resident memory (with google-auth-library) that a process without
 * a Gemini provider never needs. Every value taken from the SDK comes through here.
 */
export function genai(): typeof import('@google/genai') {
  return require('@google/genai') as typeof import('@google/genai');
}
