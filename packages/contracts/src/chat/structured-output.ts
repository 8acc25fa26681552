/**
 * How a JSON response_format reached the provider: its own schema field
 * (`native`), a function call the model is made to call (`tool`), or the
 * schema spelt out in a system message (`instructions`).
 */
export type StructuredMode = 'native' | 'tool' | 'instructions';

/** What happened to a structured answer: usage rows record it and the reply's headers say it. */
export interface StructuredOutcome {
  mode: StructuredMode;
  /** Syntax repairs plus re-asks it took to get a valid answer (or before giving up). */
  repairs: number;
  valid: boolean;
}
