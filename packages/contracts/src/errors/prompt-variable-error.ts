import { ErrorCode } from './error-codes';
import { SwitchyardError } from './switchyard-error';

/** What is wrong with one variable given to a prompt template. */
export type PromptVariableProblem = 'missing' | 'undeclared' | 'invalid';

/**
 * A prompt's variables do not fit its template or its declared schema. A 400
 * whose `param` names the variable (`prompt.variables.city`), because rendering
 * a missing value as an empty string would send a broken prompt to the model.
 */
export class PromptVariableError extends SwitchyardError {
  readonly variable: string;
  readonly problem: PromptVariableProblem;

  constructor(variable: string, problem: PromptVariableProblem, message: string) {
    super(ErrorCode.InvalidRequest, message, { param: `prompt.variables.${variable}`, details: { variable, problem } });
    this.variable = variable;
    this.problem = problem;
  }
}
