#!/usr/bin/env node
// Screenshots of every console page (1280×800 PNGs) into docs/console/, over a platform of the test harness
// with some generated traffic. Needs what the tests need: Redis, PostgreSQL, the built packages and
// the system Chromium (`node scripts/bootstrap.mjs --test`).
import { resolve } from 'node:path';
import { startVitest } from 'vitest/node';

const root = resolve(import.meta.dirname, '..');
process.env.CONSOLE_SCREENSHOTS_DIR = process.argv[2] ? resolve(process.argv[2]) : resolve(root, 'docs/console');
const vitest = await startVitest('test', [], {
  root,
  run: true,
  include: ['apps/gateway/test/console-screenshots.shoot.ts'],
  watch: false,
});
const failed = vitest.state.getCountOfFailedTests() > 0 || process.exitCode === 1;
await vitest.close();
if (!failed) console.log(`Screenshots written to ${process.env.CONSOLE_SCREENSHOTS_DIR}`);
process.exit(failed ? 1 : 0);
