/**
 * Headless Chromium for the report tests and bench: Debian's /usr/bin/chromium driven by playwright-core (never a
 * downloaded browser), with a fresh profile, no background networking, and every request but file:// refused.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM = process.env.BALLOT_CHROMIUM ?? '/usr/bin/chromium';

const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface Browser {
  context: BrowserContext;
  /** Requests the pages made to anything but file:// (each was aborted). */
  blocked: string[];
  close(): Promise<void>;
}

/** Starts Chromium, or throws saying how to install it. */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM))
    throw new Error(`no Chromium at ${CHROMIUM}: install it with \`apt-get install chromium\` (the report tests open the page in a real browser)`);
  const profile = mkdtempSync(join(tmpdir(), 'ballot-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ARGS,
    viewport: { width: 1400, height: 1000 },
    acceptDownloads: true,
  });
  const blocked: string[] = [];
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith('file://') || url.startsWith('blob:') || url.startsWith('data:')) return route.continue();
    blocked.push(url);
    return route.abort();
  });
  return {
    context,
    blocked,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Opens a file and waits until every chart has rendered; returns the page, its console errors and the load time. */
export async function openReport(b: Browser, file: string): Promise<{ page: Page; errors: string[]; dialogs: string[]; ms: number }> {
  const page = await b.context.newPage();
  const errors: string[] = [];
  const dialogs: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  const t0 = performance.now();
  await page.goto(`file://${file}`);
  await page.waitForFunction(() => document.documentElement.hasAttribute('data-ready'), undefined, { timeout: 20_000 });
  return { page, errors, dialogs, ms: performance.now() - t0 };
}
