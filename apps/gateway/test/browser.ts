import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

/** The system Chromium (`apt-get install chromium`); `node scripts/bootstrap.mjs --test` installs it. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Whether browser tests can run here: suites use it with `describe.skipIf(!hasChromium)`. */
export const hasChromium = existsSync(CHROMIUM_PATH);

/** A headless Chromium with nothing of its own going out to the network; close it after the suite. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-dev-shm-usage'],
  });
}
