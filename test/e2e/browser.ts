import fs from 'node:fs';
import path from 'node:path';

/** playwright-core's objects, untyped: it is a dev-only driver and tsc must not need its types. */
export type Page = any;
export type Browser = any;

/** Where Debian's Chromium is (CHROMIUM overrides it). */
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';

/**
 * A headless Debian Chromium driven by playwright-core (which never downloads
 * a browser), and a watch on every page for what must never happen: a page
 * error, a console error (a CSP refusal is one), a request or WebSocket that
 * leaves the server's origin, a script that fails to load. The browser tests
 * end with `problems` empty.
 */
export interface WatchedBrowser {
  browser: Browser;
  problems: string[];
  /** Records `page`'s problems under `who`. */
  watch(page: Page, who: string): void;
  /** A full-page screenshot `name`.png in `dir` (created), its path logged. */
  shot(page: Page, name: string, fullPage?: boolean): Promise<void>;
}

export async function launchWatchedBrowser(origin: string, dir: string): Promise<WatchedBrowser> {
  // A variable specifier keeps tsc from requiring playwright-core's types.
  const driver = 'playwright-core';
  const { chromium } = await import(driver);
  fs.mkdirSync(dir, { recursive: true });
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: !process.env.HEADED,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  const problems: string[] = [];
  return {
    browser,
    problems,
    watch(page, who) {
      page.on('pageerror', (error: Error) => problems.push(`${who}: page error ${error.message}`));
      page.on('console', (message: any) => {
        if (message.type() === 'error') problems.push(`${who}: console error ${message.text()}`);
      });
      page.on('request', (request: any) => {
        const url = new URL(request.url());
        if (url.protocol !== 'data:' && url.host !== origin) problems.push(`${who}: external request ${request.url()}`);
      });
      page.on('response', (response: any) => {
        // Every script the page loads, its own and /vendor's, must be there.
        if (response.request().resourceType() === 'script' && response.status() >= 400) problems.push(`${who}: ${response.status()} for ${response.url()}`);
      });
      page.on('websocket', (ws: any) => {
        if (new URL(ws.url()).host !== origin) problems.push(`${who}: external websocket ${ws.url()}`);
      });
    },
    async shot(page, name, fullPage = true) {
      const file = path.join(dir, `${name}.png`);
      await page.screenshot({ path: file, fullPage });
      console.log(`screenshot ${file}`);
    },
  };
}
