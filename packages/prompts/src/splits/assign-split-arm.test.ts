import { describe, expect, it } from 'vitest';
import { assignSplitArm } from './assign-split-arm';

const ninetyTen = [
  { version: 1, weight: 90 },
  { version: 2, weight: 10 },
];

describe('assignSplitArm', () => {
  it('sends 2,000 users over a 90/10 split within 3 points of the weights', () => {
    const counts = new Map<number, number>();
    for (let user = 0; user < 2000; user++) {
      const { version } = assignSplitArm(ninetyTen, `user-${user}`, 'support-reply');
      counts.set(version, (counts.get(version) ?? 0) + 1);
    }
    expect(Math.abs(((counts.get(1) ?? 0) / 2000) * 100 - 90)).toBeLessThanOrEqual(3);
    expect(Math.abs(((counts.get(2) ?? 0) / 2000) * 100 - 10)).toBeLessThanOrEqual(3);
  });

  it('keeps one user on one version every time', () => {
    for (let user = 0; user < 200; user++) {
      const first = assignSplitArm(ninetyTen, `user-${user}`, 'support-reply');
      for (let again = 0; again < 5; again++) expect(assignSplitArm(ninetyTen, `user-${user}`, 'support-reply')).toStrictEqual(first);
    }
  });

  it('sends everyone to a version of weight 100 and no one to a weight of 0', () => {
    const split = [
      { version: 3, weight: 0 },
      { version: 4, weight: 100 },
    ];
    for (let user = 0; user < 100; user++) expect(assignSplitArm(split, `user-${user}`, 'p').version).toBe(4);
  });

  it('places a user independently in each prompt', () => {
    const inMinority = (prompt: string) =>
      Array.from({ length: 2000 }, (_, user) => `user-${user}`).filter((user) => assignSplitArm(ninetyTen, user, prompt).version === 2);
    const a = new Set(inMinority('prompt-a'));
    const both = inMinority('prompt-b').filter((user) => a.has(user));
    // Independent 10% groups overlap on about 1% of users, not 10%.
    expect(both.length).toBeLessThan(60);
  });
});
