/** The kinds of personal data pii-detect names; the pattern pass finds the first six, the model any of them. */
export const PII_TYPES = ['email', 'phone', 'credit_card', 'iban', 'ip_address', 'national_id', 'person', 'address', 'date_of_birth', 'other'] as const;

export type PiiType = (typeof PII_TYPES)[number];

/** Which step found a span. */
export type PiiSource = 'pattern' | 'model';

export interface PiiSpan {
  type: PiiType;
  /** UTF-16 offsets into the text, end exclusive (as `String.prototype.slice` takes them). */
  start: number;
  end: number;
  text: string;
  sources: PiiSource[];
}
