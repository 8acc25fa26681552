import { describe, expect, it } from 'vitest';
import { mergeSpans, redact } from './merge-spans';
import { patternPass } from './pattern-pass';

const kinds = (text: string) => patternPass(text).map((span) => [span.type, span.text]);

describe('patternPass', () => {
  it('finds and confirms each kind it knows, at its offsets', () => {
    const text = 'Mail ann@example.com, call +1 (555) 123-4567, card 4242-4242-4242-4242, IBAN DE89 3704 0044 0532 0130 00, host 10.0.0.7, SSN 078-05-1120.';
    expect(kinds(text)).toEqual([
      ['email', 'ann@example.com'],
      ['phone', '+1 (555) 123-4567'],
      ['credit_card', '4242-4242-4242-4242'],
      ['iban', 'DE89 3704 0044 0532 0130 00'],
      ['ip_address', '10.0.0.7'],
      ['national_id', '078-05-1120'],
    ]);
    const [email] = patternPass(text);
    expect(text.slice(email?.start, email?.end)).toBe('ann@example.com');
  });

  it('refuses candidates whose checksum or grammar fails', () => {
    // Luhn fails, mod-97 fails, an octet over 255, an SSN area never issued.
    expect(kinds('card 4111 1111 1111 1112, IBAN GB82 WEST 1234 5698 7654 33, ip 300.1.2.3, id 666-12-3456')).toEqual([]);
  });

  it('finds IPv6 addresses', () => {
    expect(kinds('from 2001:db8::8a2e:370:7334 today')).toEqual([['ip_address', '2001:db8::8a2e:370:7334']]);
  });
});

describe('mergeSpans and redact', () => {
  const text = 'Dana Kim (dana@example.org) lives at 4 Elm Street; Dana Kim again.';

  it('places the model findings at every occurrence, keeps pattern spans, and counts findings not in the text', () => {
    const pattern = patternPass(text);
    const { spans, unlocated } = mergeSpans(text, pattern, [
      { type: 'person', text: 'Dana Kim' },
      { type: 'address', text: '4 Elm Street' },
      { type: 'email', text: 'dana@example.org' },
      { type: 'person', text: 'Nobody Here' },
    ]);
    expect(unlocated).toBe(1);
    expect(spans.map((s) => [s.type, s.text, s.sources])).toEqual([
      ['person', 'Dana Kim', ['model']],
      ['email', 'dana@example.org', ['pattern', 'model']],
      ['address', '4 Elm Street', ['model']],
      ['person', 'Dana Kim', ['model']],
    ]);
    expect(redact(text, spans)).toBe('[PERSON] ([EMAIL]) lives at [ADDRESS]; [PERSON] again.');
  });

  it('keeps the longer of two overlapping model findings', () => {
    const { spans } = mergeSpans(
      text,
      [],
      [
        { type: 'person', text: 'Dana' },
        { type: 'person', text: 'Dana Kim' },
      ],
    );
    expect(spans.map((s) => s.text)).toEqual(['Dana Kim', 'Dana Kim']);
  });
});
