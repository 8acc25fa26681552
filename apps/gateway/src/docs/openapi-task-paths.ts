import { answer, body, errors, pathParameter, ref } from './openapi-schemas';

/** The tasks API's paths: ready-made tasks, run synchronously or as jobs. */
export function taskPaths(): Record<string, unknown> {
  return {
    '/v1/tasks': {
      get: {
        operationId: 'listTasks',
        summary: 'The tasks, each with its prompt, input schema and output schema',
        responses: { 200: answer('The tasks', 'TaskList'), ...errors(401) },
      },
    },
    '/v1/tasks/{name}': {
      parameters: [pathParameter('name', 'The task (summarize, pii-detect, code-review, model-card, evaluation-insights, rag-answer, chat-with-context).')],
      post: {
        operationId: 'runTask',
        summary:
          'Run a task on an input checked against its input schema; the answer is checked against its output schema. With `async: true`, a job (202) like POST /v1/jobs. A fail-closed task (pii-detect) whose model step failed answers 502 task_incomplete',
        requestBody: body('TaskRunRequest'),
        responses: {
          200: answer("The task's answer", 'TaskResult'),
          202: {
            description: 'With `async: true`: the job, queued',
            content: {
              'application/json': {
                schema: { allOf: [ref('Job'), { type: 'object', required: ['status_url'], properties: { status_url: { type: 'string' } } }] },
              },
            },
          },
          // 422: the answer never matched the output schema, or broke a task rule (task_output_invalid).
          ...errors(400, 401, 402, 404, 413, 422, 429, 502, 503, 504),
        },
      },
    },
  };
}
