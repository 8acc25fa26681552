import { NotFoundError } from '@switchyard/contracts';
import { chatWithContextTask } from './chat-with-context/chat-with-context-task';
import { codeReviewTask } from './code-review/code-review-task';
import type { AnyTask } from './core/task-definition';
import { evaluationInsightsTask } from './evaluation-insights/evaluation-insights-task';
import { modelCardTask } from './model-card/model-card-task';
import { piiDetectTask } from './pii-detect/pii-detect-task';
import { ragAnswerTask } from './rag-answer/rag-answer-task';
import { summarizeTask } from './summarize/summarize-task';

/** Every task, by name, in the order `GET /v1/tasks` lists them. */
export const TASKS: ReadonlyMap<string, AnyTask> = new Map<string, AnyTask>(
  [summarizeTask, piiDetectTask, codeReviewTask, modelCardTask, evaluationInsightsTask, ragAnswerTask, chatWithContextTask].map((task) => [task.name, task]),
);

/** The task of this name, or a 404 naming it. */
export function taskNamed(name: string): AnyTask {
  const task = TASKS.get(name);
  if (task === undefined) throw new NotFoundError(`No task named '${name}'. GET /v1/tasks lists them: ${[...TASKS.keys()].join(', ')}.`);
  return task;
}
