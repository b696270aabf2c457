/**
 * Real-browser harness for the dashboard tests: Debian's Chromium driven by playwright-core (never a downloaded
 * browser), the app listening on 127.0.0.1 on an ephemeral port — the one place tests open a port.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import type { App } from '../../api/app.ts';

export const CHROMIUM_PATH = process.env.AR_INTEL_CHROMIUM ?? '/usr/bin/chromium';
export const ARTIFACTS = resolve(fileURLToPath(new URL('.', import.meta.url)), '..', 'artifacts', 'dashboards');

const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export interface Browser {
  readonly context: BrowserContext;
  close(): Promise<void>;
}

/** Launches Chromium with a fresh profile; a missing binary is an error that says how to install it. */
export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `Chromium not found at ${CHROMIUM_PATH}. The dashboard tests drive Debian's Chromium: run ` +
        '`apt-get update && apt-get install -y chromium` (it is listed in .ci/apt-packages, which .ci/run installs), ' +
        'or point AR_INTEL_CHROMIUM at another Chromium binary. Do not use `npx playwright install`.',
    );
  }
  const profile = mkdtempSync(join(tmpdir(), 'ar-intel-chromium-'));
  // playwright refuses --user-data-dir in args; launchPersistentContext passes the fresh profile dir itself.
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: FLAGS,
    viewport: { width: 1280, height: 900 },
    locale: 'en-US',
    timezoneId: 'UTC',
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

export async function listenEphemeral(app: App): Promise<string> {
  return app.listen({ host: '127.0.0.1', port: 0 });
}

export interface OpenedPage {
  readonly page: Page;
  /** Console errors, uncaught exceptions and failed or foreign requests seen so far. */
  readonly problems: string[];
}

function watch(page: Page, origin: string, problems: string[]): void {
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`exception: ${e.message}`));
  page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()} ${r.failure()?.errorText ?? ''}`));
  page.on('request', (r) => {
    const url = r.url();
    if (!url.startsWith(origin) && !url.startsWith('data:') && !url.startsWith('blob:')) problems.push(`foreign request: ${url}`);
  });
  page.on('response', (r) => {
    if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.url()}`);
  });
}

/** Opens `path` and waits for the page to signal it has drawn everything (`body[data-ready]`). */
export async function openPage(browser: Browser, origin: string, path: string): Promise<OpenedPage> {
  const page = await browser.context.newPage();
  const problems: string[] = [];
  watch(page, origin, problems);
  await page.goto(origin + path);
  await page.waitForSelector('body[data-ready]', { timeout: 60_000 });
  return { page, problems };
}

/**
 * Screenshots at desktop width and at a tablet width, under test/artifacts/dashboards/. Charts size themselves at
 * load, so the tablet shot is taken from a fresh page opened at tablet width (the page passed in is left as is);
 * what goes wrong on that page is added to `problems`.
 */
export async function screenshots(browser: Browser, page: Page, name: string, problems: string[]): Promise<string[]> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const desktop = join(ARTIFACTS, `${name}-1280.png`);
  await page.screenshot({ path: desktop, fullPage: true });
  const tablet = join(ARTIFACTS, `${name}-tablet.png`);
  const small = await browser.context.newPage();
  const origin = new URL(page.url()).origin;
  const before = problems.length;
  watch(small, origin, problems);
  await small.setViewportSize({ width: 820, height: 1180 });
  await small.goto(page.url());
  await small.waitForSelector('body[data-ready]', { timeout: 60_000 });
  await small.screenshot({ path: tablet, fullPage: true });
  for (let i = before; i < problems.length; i++) problems[i] = `[tablet] ${problems[i]}`;
  await small.close();
  return [desktop, tablet];
}

/** Number of SVG elements in the data mark whose Plot `ariaDescription` is `description` inside the chart card `chartId`. */
export async function markCount(page: Page, chartId: string, description: string): Promise<number> {
  // Clipped marks nest their elements one group deeper, so count every drawn descendant (not groups, not tooltips).
  return page.locator(`[data-chart="${chartId}"] svg g[aria-description="${description}"] :not(g, title)`).count();
}
