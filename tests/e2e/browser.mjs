// Driving Debian's Chromium with playwright-core for the end-to-end suites:
// launching, pages that collect console errors and CSP violations, screenshots,
// and the layout checks for phones.
import { mkdirSync, existsSync } from 'node:fs';
import path from 'node:path';
import { assert, run } from '../lib/harness.mjs';
import { ROOT, PASSWORD } from '../lib/server.mjs';

export const CHROMIUM = process.env.EDX_CHROMIUM || '/usr/bin/chromium';
export const OUT = path.join(ROOT, 'test-out', 'e2e');
export const TIMEOUT = 10000;
export const PHONE = { viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 };

// playwright-core's chromium, or exits with a "# <suite>: 0 passed, 1 failed" line.
export async function loadChromium(suite) {
  let chromium;
  try {
    ({ chromium } = await import('playwright-core'));
  } catch (e) {
    console.log('not ok - playwright-core is not installed: run `npm ci` in tests/e2e');
    console.log(`  # ${e.message}`);
    console.log(`# ${suite}: 0 passed, 1 failed`);
    process.exit(1);
  }
  if (!existsSync(CHROMIUM)) {
    console.log(`not ok - no Chromium at ${CHROMIUM}: apt-get install -y chromium`);
    console.log(`# ${suite}: 0 passed, 1 failed`);
    process.exit(1);
  }
  return chromium;
}

export function launch(chromium) {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-background-networking', '--disable-gpu', '--disable-quic',
      '--no-first-run', '--disable-component-update', '--disable-sync'],
  });
}

// Browser contexts of one suite: each page gets its own (cookies, storage) and
// collects console errors that are not failed HTTP answers in page.problems.
export class Pages {
  constructor(browser) {
    this.browser = browser;
    this.contexts = new Set();
  }

  async open(opts = {}) {
    const context = await this.browser.newContext({ viewport: { width: 1280, height: 860 }, acceptDownloads: true, ...opts });
    this.contexts.add(context);
    context.setDefaultTimeout(TIMEOUT);
    const page = await context.newPage();
    page.problems = [];
    page.on('pageerror', (e) => page.problems.push(`pageerror: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() !== 'error' && m.type() !== 'warning') return;
      const text = m.text();
      if (/^Failed to load resource: the server responded with a status of/.test(text)) return;
      page.problems.push(`console ${m.type()}: ${text}`);
    });
    page.on('response', (r) => {
      const url = new URL(r.url());
      if (r.status() >= 400 && !url.pathname.startsWith('/api/')) page.problems.push(`HTTP ${r.status()} for ${url.pathname}`);
    });
    return page;
  }

  async close(page) {
    const context = page.context();
    this.contexts.delete(context);
    await context.close();
  }

  async closeAll() {
    for (const c of this.contexts) await c.close().catch(() => {});
    this.contexts.clear();
  }
}

export function noProblems(page) {
  assert.deepEqual(page.problems, [], 'console errors or CSP violations on the page');
}

export async function shot(page, name, opts = {}) {
  mkdirSync(OUT, { recursive: true });
  await page.screenshot({ path: path.join(OUT, name), ...opts });
}

// Sign in through the form of the app (Vietnamese labels, the default language).
export async function signIn(page, base, username, password = PASSWORD) {
  await page.goto(base + '/');
  await page.getByLabel('Tên đăng nhập').fill(username);
  await page.getByLabel('Mật khẩu', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Đăng nhập' }).click();
  await page.locator('#app-view').waitFor({ state: 'visible' });
  // On a phone the tree starts folded away: loaded, not visible.
  await page.locator('#unit-tree [role="treeitem"]').first().waitFor({ state: 'attached' });
}

export async function noHorizontalScroll(page, what) {
  const m = await page.evaluate(() => ({
    scroll: document.documentElement.scrollWidth,
    client: document.documentElement.clientWidth,
    body: document.body.scrollWidth,
  }));
  assert.ok(m.scroll <= m.client && m.body <= m.client,
    `${what}: horizontal scrolling (scrollWidth ${m.scroll}/${m.body} > ${m.client})`);
}

// Visible interactive elements smaller than 40 px (touch targets).
export async function smallTargets(page) {
  return page.evaluate(() => {
    const sel = 'a[href], button, input:not([type="checkbox"]):not([type="radio"]):not([type="file"]), select, textarea, summary, [role="treeitem"] > .tree-row, .tree-twisty:not(.tree-twisty--leaf), .field--check label, .choice__label';
    const out = [];
    for (const el of document.querySelectorAll(sel)) {
      const r = el.getBoundingClientRect();
      const cs = getComputedStyle(el);
      if (!r.width || !r.height || cs.visibility === 'hidden') continue;
      if (el.classList.contains('skip-link')) continue;
      if (r.height < 40 || r.width < 40) out.push(`${el.tagName.toLowerCase()}#${el.id || ''}.${el.className} "${(el.textContent || '').trim().slice(0, 30)}" ${Math.round(r.width)}x${Math.round(r.height)}`);
    }
    return out;
  });
}

// Run a browser suite: `start(ctx)` fills ctx.store and ctx.server (as soon as each exists, so
// cleanup finds them), then Chromium starts and `use(ctx)` hands store, server, browser and pages
// to the tests. Everything is closed whatever happens, signals included; exits with the result.
export async function runSuite(suite, chromium, start, use) {
  const ctx = { store: null, server: null, browser: null, pages: null };
  let failed = 1;
  let cleaned = false;
  async function cleanup() {
    if (cleaned) return;
    cleaned = true;
    if (ctx.pages) await ctx.pages.closeAll();
    if (ctx.browser) await ctx.browser.close().catch(() => {});
    if (ctx.server) await ctx.server.stop().catch(() => {});
    if (ctx.store) ctx.store.cleanup();
  }
  for (const sig of ['SIGINT', 'SIGTERM']) {
    process.on(sig, async () => {
      await cleanup();
      process.exit(1);
    });
  }
  try {
    await start(ctx);
    ctx.browser = await launch(chromium);
    ctx.pages = new Pages(ctx.browser);
    use(ctx);
    failed = await run(suite);
  } catch (e) {
    console.log('not ok - e2e setup');
    console.log(String(e && e.stack ? e.stack : e).split('\n').slice(0, 12).map((l) => '  # ' + l).join('\n'));
    console.log(`# ${suite}: 0 passed, 1 failed`);
    failed = 1;
  } finally {
    await cleanup();
  }
  process.exit(failed ? 1 : 0);
}
