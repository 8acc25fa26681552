import { ErrorCode } from './error-codes';
import { SwitchyardError } from './switchyard-error';

/**
 * A task could not finish a step its answer depends on. Said as a failure
 * rather than answered with what the other steps found: for pii-detect an
 * answer without the model step would read as "no more PII" when the text
 * was never fully checked.
 */
export class TaskIncompleteError extends SwitchyardError {
  constructor(task: string, step: string, cause: SwitchyardError, facts: Record<string, unknown> = {}) {
    super(
      ErrorCode.TaskIncomplete,
      `The ${task} task could not finish: its ${step} step failed (${cause.code}: ${cause.message}). The input was not fully checked, so no answer is given.`,
      { cause, details: { task, failed_step: step, step_error: { code: cause.code, message: cause.message }, ...facts } },
    );
  }
}

/** The model's answer matched the task's output schema but broke one of the task's own rules, and is refused rather than passed on. */
export class TaskOutputInvalidError extends SwitchyardError {
  constructor(task: string, problems: readonly string[]) {
    super(ErrorCode.TaskOutputInvalid, `The ${task} task refused the model's answer: ${problems.slice(0, 10).join('; ')}.`, {
      param: 'output',
      details: { task, errors: problems.slice(0, 10) },
    });
  }
}
