/**
 * The files a unified diff changes, with the new-side line numbers it adds
 * or keeps in context, read from its `+++ b/<path>` headers and `@@` hunks.
 */
export function diffFiles(diff: string): Map<string, Set<number>> {
  const files = new Map<string, Set<number>>();
  let lines: Set<number> | undefined;
  let next = 0;
  for (const line of diff.split('\n')) {
    const header = /^\+\+\+ (?:b\/)?(.+?)\s*$/.exec(line);
    if (header !== null) {
      lines = header[1] === '/dev/null' ? undefined : new Set<number>();
      if (lines !== undefined) files.set(header[1] as string, lines);
      continue;
    }
    const hunk = /^@@ -\d+(?:,\d+)? \+(\d+)(?:,\d+)? @@/.exec(line);
    if (hunk !== null) {
      next = Number(hunk[1]);
      continue;
    }
    if (lines === undefined || line.startsWith('---') || line.startsWith('\\')) continue;
    if (line.startsWith('+') || line.startsWith(' ')) lines.add(next++);
  }
  return files;
}
