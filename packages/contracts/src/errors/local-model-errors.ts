import { ErrorCode } from './error-codes';
import { SwitchyardError } from './switchyard-error';

/** Loading a model would take a local provider past the memory budget its config gives it. */
export class MemoryBudgetExceededError extends SwitchyardError {
  constructor(provider: string, model: string, figures: { neededBytes: number; usedBytes: number; budgetBytes: number }) {
    super(
      ErrorCode.MemoryBudgetExceeded,
      `Loading '${model}' on '${provider}' needs ${figures.neededBytes} bytes; ${figures.usedBytes} of its ${figures.budgetBytes}-byte memory budget are in use. Unload a model first, or set evict: lru.`,
      { param: 'model', details: { provider, model, needed_bytes: figures.neededBytes, used_bytes: figures.usedBytes, budget_bytes: figures.budgetBytes } },
    );
  }
}

/** No worker of a local provider answered a load/unload command in time (0: none heard it); it may still carry it out. */
export class LocalCommandTimeoutError extends SwitchyardError {
  constructor(provider: string, timeoutMs: number) {
    const message =
      timeoutMs === 0
        ? `No worker of '${provider}' is running to carry out the command.`
        : `No worker of '${provider}' answered within ${timeoutMs} ms; the command may still be carried out.`;
    super(ErrorCode.GatewayTimeout, message, {
      details: { provider, timeout_ms: timeoutMs },
    });
  }
}
