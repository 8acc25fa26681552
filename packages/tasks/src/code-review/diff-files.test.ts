import { describe, expect, it } from 'vitest';
import { diffFiles } from './diff-files';

describe('diffFiles', () => {
  it("reads each file's new-side lines from its hunks", () => {
    const diff = [
      'diff --git a/a.ts b/a.ts',
      '--- a/a.ts',
      '+++ b/a.ts',
      '@@ -1,3 +1,3 @@',
      ' keep',
      '-old',
      '+new',
      ' tail',
      '--- a/gone.ts',
      '+++ /dev/null',
      '@@ -1 +0,0 @@',
      '-x',
      '--- /dev/null',
      '+++ b/dir/new.ts',
      '@@ -0,0 +7,2 @@',
      '+one',
      '+two',
    ].join('\n');
    const files = diffFiles(diff);
    expect([...files.keys()]).toStrictEqual(['a.ts', 'dir/new.ts']);
    expect([...(files.get('a.ts') ?? [])]).toStrictEqual([1, 2, 3]);
    expect([...(files.get('dir/new.ts') ?? [])]).toStrictEqual([7, 8]);
  });
});
