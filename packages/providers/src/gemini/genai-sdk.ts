let sdk: typeof import('@google/genai') | undefined;

/**
 * `@google/genai`, loaded at its first use rather than at import: it is some
 * 20 MB of resident memory (with google-auth-library) that a process without
 * a Gemini provider never needs. Every value taken from the SDK comes through
 * here; kept after the first call, since schema conversion asks once per node.
 */
export function genai(): typeof import('@google/genai') {
  sdk ??= require('@google/genai') as typeof import('@google/genai');
  return sdk;
}
