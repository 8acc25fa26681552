// Only the four checks used, not the package's index: that is some 110 modules every gateway would load at start.
import isCreditCard from 'validator/lib/isCreditCard';
import isEmail from 'validator/lib/isEmail';
import isIBAN from 'validator/lib/isIBAN';
import isIP from 'validator/lib/isIP';
import type { PiiSpan, PiiType } from './pii-types';

interface Recognizer {
  type: PiiType;
  /** Finds candidates; global. */
  pattern: RegExp;
  /** Confirms one (a checksum, a well-formed address); a candidate that fails is not reported. */
  confirm?: (match: string) => boolean;
}

const digits = (text: string) => text.replace(/\D/g, '');

/**
 * Candidates are found with regular expressions and confirmed with
 * `validator` where a format has a checksum or a grammar: Luhn for card
 * numbers, ISO 13616 mod-97 for IBANs, address syntax for e-mails and IPs.
 * Order matters: earlier recognizers win overlaps (a card number is not
 * also a phone number).
 */
const RECOGNIZERS: Recognizer[] = [
  { type: 'email', pattern: /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g, confirm: (m) => isEmail(m) },
  {
    type: 'iban',
    pattern: /\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?\b/g,
    confirm: (m) => isIBAN(m.replace(/ /g, '')),
  },
  { type: 'credit_card', pattern: /\b\d(?:[ -]?\d){12,18}\b/g, confirm: (m) => isCreditCard(digits(m)) },
  // US Social Security numbers and ids written the same way (3-2-4 digits); 000, 666 and 9xx areas are never issued.
  { type: 'national_id', pattern: /\b(?!000|666|9\d\d)\d{3}-(?!00)\d{2}-(?!0000)\d{4}\b/g },
  { type: 'ip_address', pattern: /\b(?:\d{1,3}\.){3}\d{1,3}\b/g, confirm: (m) => isIP(m, 4) },
  { type: 'ip_address', pattern: /(?<![\w:])(?:[0-9A-Fa-f]{1,4}:){2,7}[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{1,4})*(?![\w:])/g, confirm: (m) => isIP(m, 6) },
  // International (+44 20 7946 0958), an area code in brackets ((030) 1234 5678) or North American (555-123-4567): 7 to 15 digits.
  // Looser shapes (a bare run of digit groups) are left to the model: they are as often order or invoice numbers.
  {
    type: 'phone',
    pattern: /(?<![\w+])(?:\+\d{1,3}(?:[ .-]?\(?\d{1,4}\)?){2,5}|\(\d{2,4}\)[ .-]?\d{3,4}[ .-]?\d{3,4}|\d{3}[ .-]\d{3}[ .-]\d{4})(?!\w)/g,
    confirm: (m) => digits(m).length >= 7 && digits(m).length <= 15,
  },
];

function overlaps(a: { start: number; end: number }, b: { start: number; end: number }): boolean {
  return a.start < b.end && b.start < a.end;
}

/** The spans the patterns find and confirm, by position; deterministic, no model and no network. */
export function patternPass(text: string): PiiSpan[] {
  const found: PiiSpan[] = [];
  for (const recognizer of RECOGNIZERS) {
    for (const match of text.matchAll(recognizer.pattern)) {
      const span = { start: match.index, end: match.index + match[0].length };
      if (found.some((other) => overlaps(other, span))) continue;
      if (recognizer.confirm !== undefined && !recognizer.confirm(match[0])) continue;
      found.push({ type: recognizer.type, ...span, text: match[0], sources: ['pattern'] });
    }
  }
  return found.sort((a, b) => a.start - b.start);
}
