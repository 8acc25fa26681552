// What `npm start` prints once the gateway answers. Kept apart from start.mjs
// so it can be checked without starting the platform.

/** The key switchyard.yaml falls back to when SWITCHYARD_API_KEY is unset. */
export const DEVELOPMENT_API_KEY = 'sk-switchyard-dev-key';

/**
 * The banner's "Try:" line shows the built-in development key, which is public
 * anyway; any other key stays out of the terminal and the logs it is piped to.
 */
export function readyBanner(port, apiKey = DEVELOPMENT_API_KEY) {
  const shownKey = apiKey === DEVELOPMENT_API_KEY ? apiKey : '$SWITCHYARD_API_KEY';
  return (
    `\n  Switchyard is up on http://127.0.0.1:${port}\n` +
    `  Try: curl http://127.0.0.1:${port}/v1/chat/completions -H "Authorization: Bearer ${shownKey}" \\\n` +
    `         -H "Content-Type: application/json" -d '{"model":"default","messages":[{"role":"user","content":"Hello"}]}'\n` +
    `  Console: http://127.0.0.1:${port}/console/   API docs: http://127.0.0.1:${port}/docs   Metrics: http://127.0.0.1:${port}/metrics\n\n`
  );
}
