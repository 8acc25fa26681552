import { sessionHistoryQuerySchema, sessionListQuerySchema } from '@switchyard/contracts';
import { answer, body, errors, json, pathParameter, queryParameters, ref } from './openapi-schemas';

const id = pathParameter('id', "The session's id (`sess_…`).");

/** The sessions API's paths: conversations whose history Switchyard keeps and windows. */
export function sessionPaths(): Record<string, unknown> {
  return {
    '/v1/sessions': {
      post: {
        operationId: 'createSession',
        summary: 'Start a session: a model or a stored prompt (rendered once, into its system prompt), a window, metadata and an idle TTL',
        requestBody: body('SessionCreateRequest'),
        responses: { 200: answer('The session', 'Session'), ...errors(400, 401, 404, 429) },
      },
      get: {
        operationId: 'listSessions',
        summary: "Your tenant's sessions, newest first (`status=active` for the live ones)",
        parameters: queryParameters(sessionListQuerySchema),
        responses: { 200: answer('A page of sessions', 'SessionList'), ...errors(400, 401) },
      },
    },
    '/v1/sessions/{id}': {
      parameters: [id],
      get: {
        operationId: 'getSession',
        summary: "A session's settings and a page of its history, oldest first",
        parameters: queryParameters(sessionHistoryQuerySchema),
        responses: { 200: answer('The session and its history', 'SessionWithHistory'), ...errors(400, 401, 404) },
      },
      delete: {
        operationId: 'deleteSession',
        summary: 'End a session (as POST /v1/sessions/{id}/end); it is deleted once its retention has passed',
        responses: { 200: answer('The ended session', 'Session'), ...errors(401, 404) },
      },
    },
    '/v1/sessions/{id}/end': {
      parameters: [id],
      post: {
        operationId: 'endSession',
        summary: 'End a session: later messages get 409 session_ended; it is deleted once its retention has passed',
        responses: { 200: answer('The ended session', 'Session'), ...errors(401, 404) },
      },
    },
    '/v1/sessions/{id}/messages': {
      parameters: [id],
      post: {
        operationId: 'sendSessionMessage',
        summary:
          "Send one turn: the window of the session's history goes upstream before it. Answered as a chat completion, streamed (`stream: true`), or as a job (`async: true` or a `webhook`: 202). Turns of one session run one at a time, in order",
        requestBody: body('SessionMessageRequest'),
        responses: {
          200: {
            description: 'The assistant turn, as a chat completion or its stream of chunks',
            content: { ...json('ChatCompletion'), 'text/event-stream': { schema: { type: 'string' } } },
          },
          202: {
            description: 'Accepted as a job',
            content: {
              'application/json': {
                schema: { allOf: [ref('Job'), { type: 'object', required: ['status_url'], properties: { status_url: { type: 'string' } } }] },
              },
            },
          },
          // 409: session_busy (wait: false while a turn runs) or session_ended.
          ...errors(400, 401, 404, 409, 429, 502, 503, 504),
        },
      },
    },
  };
}
