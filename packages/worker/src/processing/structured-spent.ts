import type { CompletionUsage, StructuredOutcome } from '@switchyard/contracts';

/** What the calls for one structured answer spent, whether they got one or not. */
export interface StructuredSpent {
  /** Every call's tokens added up: the re-asks are paid for too. */
  usage: CompletionUsage;
  outcome: StructuredOutcome;
}
