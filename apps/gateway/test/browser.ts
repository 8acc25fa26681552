import { existsSync } from 'node:fs';
import { type Browser, chromium, type Page } from 'playwright-core';

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

/** Opens the console at `hash` and signs in with `key`; resolves once the header names who signed in. */
export async function signInToConsole(browser: Browser, gatewayUrl: string, key: string, hash = '#/overview'): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  // A missing element fails the test in seconds, not at the test's timeout.
  page.setDefaultTimeout(5000);
  await page.goto(`${gatewayUrl}/console/${hash}`);
  await page.getByTestId('signin-key').fill(key);
  await page.getByTestId('signin-submit').click();
  await page.getByTestId('whoami').waitFor();
  return page;
}

/**
 * How many pixels of the chart's canvas are (nearly) `color`, a `#rrggbb` of one of its lines: more than none
 * means uPlot drew that line, not only the axes.
 */
export function pixelsOfColor(page: Page, testId: string, color: string): Promise<number> {
  return page.getByTestId(testId).evaluate((box, hex) => {
    const canvas = box.querySelector('canvas');
    const context = canvas?.getContext('2d');
    if (!canvas || !context || canvas.width === 0 || canvas.height === 0) return 0;
    const [r = 0, g = 0, b = 0] = [1, 3, 5].map((at) => Number.parseInt(hex.slice(at, at + 2), 16));
    const { data } = context.getImageData(0, 0, canvas.width, canvas.height);
    let count = 0;
    for (let i = 0; i < data.length; i += 4) {
      if (data[i + 3] > 200 && Math.abs(data[i] - r) + Math.abs(data[i + 1] - g) + Math.abs(data[i + 2] - b) < 30) count++;
    }
    return count;
  }, color);
}
