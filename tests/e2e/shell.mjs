// End-to-end test of the web UI shell: a real edudx server with the demo units,
// driven through Debian's Chromium by playwright-core (no downloaded browsers).
//   cd tests/e2e && npm ci          (once)
//   EDX_BIN=build-web/edudx node tests/e2e/shell.mjs
// Screenshots go to test-out/e2e/ under the repository root.
import { mkdirSync, existsSync } from 'node:fs';
import path from 'node:path';
import { test, assert, run } from '../lib/harness.mjs';
import { seededStore, Server, PASSWORD, ROOT, cli } from '../lib/server.mjs';

const SUITE = 'e2e';
const CHROMIUM = process.env.EDX_CHROMIUM || '/usr/bin/chromium';
const OUT = path.join(ROOT, 'test-out', 'e2e');
const TIMEOUT = 10000;

let chromium;
try {
  ({ chromium } = await import('playwright-core'));
} catch (e) {
  console.log('not ok - playwright-core is not installed: run `npm ci` in tests/e2e');
  console.log(`  # ${e.message}`);
  console.log(`# ${SUITE}: 0 passed, 1 failed`);
  process.exit(1);
}
if (!existsSync(CHROMIUM)) {
  console.log(`not ok - no Chromium at ${CHROMIUM}: apt-get install -y chromium`);
  console.log(`# ${SUITE}: 0 passed, 1 failed`);
  process.exit(1);
}

let store = null;
let server = null;
let browser = null;
const contexts = new Set();

// ---- helpers ------------------------------------------------------------------------

// A fresh browser context (own cookies and storage) and page; console errors that
// are not failed HTTP answers (CSP violations, exceptions) are collected in page.problems.
async function newPage(opts = {}) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 860 }, ...opts });
  contexts.add(context);
  context.setDefaultTimeout(TIMEOUT);
  const page = await context.newPage();
  page.problems = [];
  page.on('pageerror', (e) => page.problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() !== 'error' && m.type() !== 'warning') return;
    const text = m.text();
    // Failed HTTP answers are checked below: API errors (401 before sign-in, 403, 404) are expected.
    if (/^Failed to load resource: the server responded with a status of/.test(text)) return;
    page.problems.push(`console ${m.type()}: ${text}`);
  });
  page.on('response', (r) => {
    const url = new URL(r.url());
    if (r.status() >= 400 && !url.pathname.startsWith('/api/')) page.problems.push(`HTTP ${r.status()} for ${url.pathname}`);
  });
  return page;
}

async function done(page) {
  const context = page.context();
  contexts.delete(context);
  await context.close();
}

function noProblems(page) {
  assert.deepEqual(page.problems, [], 'console errors or CSP violations on the page');
}

async function shot(page, name, opts = {}) {
  mkdirSync(OUT, { recursive: true });
  await page.screenshot({ path: path.join(OUT, name), ...opts });
}

async function gotoApp(page, hash = '') {
  await page.goto(server.base + '/' + hash);
}

async function login(page, username, password = PASSWORD) {
  await gotoApp(page);
  await page.getByLabel('Tên đăng nhập').fill(username);
  await page.getByLabel('Mật khẩu', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Đăng nhập' }).click();
  await page.locator('#app-view').waitFor({ state: 'visible' });
  await page.locator('#unit-tree [role="treeitem"]').first().waitFor();
}

function treeItem(page, name) {
  return page.locator('#unit-tree').getByRole('treeitem', { name });
}

async function focusedTreeItem(page) {
  return page.evaluate(() => {
    const el = document.activeElement;
    if (!el || el.getAttribute('role') !== 'treeitem') return null;
    return {
      code: el.dataset.code,
      expanded: el.getAttribute('aria-expanded'),
      level: el.getAttribute('aria-level'),
      outline: getComputedStyle(el.querySelector('.tree-row')).outlineStyle,
    };
  });
}

async function noHorizontalScroll(page, what) {
  const m = await page.evaluate(() => ({
    scroll: document.documentElement.scrollWidth,
    client: document.documentElement.clientWidth,
    body: document.body.scrollWidth,
  }));
  assert.ok(m.scroll <= m.client && m.body <= m.client,
    `${what}: horizontal scrolling (scrollWidth ${m.scroll}/${m.body} > ${m.client})`);
}

// Visible interactive elements smaller than 40 px in height (touch targets).
async function smallTargets(page) {
  return page.evaluate(() => {
    const sel = 'a[href], button, input:not([type="checkbox"]), select, textarea, [role="treeitem"] > .tree-row, .tree-twisty:not(.tree-twisty--leaf), label[for="login-show-password"]';
    const out = [];
    for (const el of document.querySelectorAll(sel)) {
      const r = el.getBoundingClientRect();
      const cs = getComputedStyle(el);
      if (!r.width || !r.height || cs.visibility === 'hidden') continue;
      if (el.classList.contains('skip-link')) continue; // off-screen until focused
      if (r.height < 40 || r.width < 40) out.push(`${el.tagName.toLowerCase()}#${el.id || ''}.${el.className} "${(el.textContent || '').trim().slice(0, 30)}" ${Math.round(r.width)}x${Math.round(r.height)}`);
    }
    return out;
  });
}

// ---- tests --------------------------------------------------------------------------

test('the sign-in page is in Vietnamese by default and has no CSP violations', async () => {
  const page = await newPage();
  try {
    await gotoApp(page);
    await page.getByRole('heading', { name: 'Đăng nhập' }).waitFor();
    assert.equal(await page.getAttribute('html', 'lang'), 'vi');
    assert.match(await page.title(), /Đăng nhập/);
    await page.getByLabel('Tên đăng nhập').waitFor();
    await page.getByText('Chuyển đổi số ngành Giáo dục').first().waitFor();
    // The skip link is the first stop of the Tab order.
    await page.keyboard.press('Tab');
    const first = await page.evaluate(() => document.activeElement.className);
    assert.match(first, /skip-link/);
    await shot(page, 'login-vi.png');
    // Empty form: field errors, focus on the first field.
    await page.locator('#login-username').fill('');
    await page.getByRole('button', { name: 'Đăng nhập' }).click();
    await page.getByText('Vui lòng nhập tên đăng nhập.').waitFor();
    assert.equal(await page.getAttribute('#login-username', 'aria-invalid'), 'true');
    noProblems(page);
  } finally {
    await done(page);
  }
});

test('a wrong password shows a localized error; too many attempts say to wait', async () => {
  const page = await newPage();
  try {
    await gotoApp(page);
    await page.getByLabel('Tên đăng nhập').fill('reviewer');
    await page.getByLabel('Mật khẩu', { exact: true }).fill('not-the-password');
    await page.getByRole('button', { name: 'Đăng nhập' }).click();
    const alert = page.locator('#login-error');
    await alert.getByText('Tên đăng nhập hoặc mật khẩu không đúng').waitFor();
    assert.equal(await alert.getAttribute('role'), 'alert');
    assert.equal(await page.inputValue('#login-password'), '', 'the password field is cleared');
    await shot(page, 'login-error.png');

    // Lock the learner account through the API, then try once more in the form.
    for (let i = 0; i < 5; i++) {
      await fetch(server.base + '/api/v1/session', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'learner', password: 'wrong-password-' + i }),
      });
    }
    await page.getByLabel('Tên đăng nhập').fill('learner');
    await page.getByLabel('Mật khẩu', { exact: true }).fill('wrong-again-123');
    await page.getByRole('button', { name: 'Đăng nhập' }).click();
    await alert.getByText(/quá nhiều lần.*đợi khoảng \d+ phút/).waitFor();

    // The message follows the language.
    await page.locator('#login-lang').getByRole('button', { name: 'English' }).click();
    await alert.getByText(/Too many failed sign-in attempts.*wait about \d+ minutes/).waitFor();
    assert.equal(await page.getAttribute('html', 'lang'), 'en');
    noProblems(page);
  } finally {
    await done(page);
  }
});

test('admin: tree to the Hà Nội Department, its schools, a school, English, back, sign out', async () => {
  const page = await newPage();
  try {
    await login(page, 'admin');
    // Header: app name, subtitle, user menu with the role in words.
    await page.locator('.brand__name').getByText('edudx').waitFor();
    await page.locator('#user-menu-button').getByText('Quản trị viên cấp Bộ').waitFor();
    await page.getByRole('heading', { name: /Xin chào, admin/ }).waitFor();

    // The single root (the Ministry) is open; open the Department from the tree.
    const ministry = treeItem(page, 'Bộ Giáo dục và Đào tạo');
    await ministry.waitFor();
    assert.equal(await ministry.getAttribute('aria-expanded'), 'true');
    // The arrow beside a name closes and opens its branch with the mouse.
    const twisty = ministry.locator('.tree-twisty').first();
    await twisty.click();
    assert.equal(await ministry.getAttribute('aria-expanded'), 'false');
    assert.equal(await treeItem(page, 'Sở Giáo dục và Đào tạo Hà Nội').isVisible(), false);
    await twisty.click();
    assert.equal(await ministry.getAttribute('aria-expanded'), 'true');
    assert.equal(await page.locator('#view h1').textContent(), 'Xin chào, admin', 'the arrow does not open the page');
    const doet = treeItem(page, 'Sở Giáo dục và Đào tạo Hà Nội');
    await doet.locator('.tree-label').first().click();
    await page.waitForURL(/#\/units\/SGDDT-HA-NOI$/);
    await page.getByRole('heading', { level: 1, name: 'Sở Giáo dục và Đào tạo Hà Nội' }).waitFor();
    assert.equal(await doet.getAttribute('aria-selected'), 'true');
    assert.equal(await doet.getAttribute('aria-expanded'), 'true', 'clicking a unit opens its branch');

    // Its schools are listed with links.
    const children = page.locator('section[aria-labelledby="unit-children"]');
    await children.getByRole('link', { name: 'Trường THPT Chu Văn An' }).waitFor();
    await children.getByRole('link', { name: 'Trường Tiểu học Kim Liên' }).waitFor();
    const facts = page.locator('.facts');
    await facts.getByText('Sở Giáo dục và Đào tạo', { exact: true }).waitFor();
    await facts.getByText('Thành phố Hà Nội').waitFor();
    await facts.getByText('Đang hoạt động').waitFor();
    await shot(page, 'department-vi.png', { fullPage: true });

    // Open a school.
    await children.getByRole('link', { name: 'Trường THPT Chu Văn An' }).click();
    await page.waitForURL(/#\/units\/THPT-CVA$/);
    const h1 = page.getByRole('heading', { level: 1, name: 'Trường THPT Chu Văn An' });
    await h1.waitFor();
    assert.equal(await page.evaluate(() => document.activeElement.id), 'page-title', 'focus moves to the new heading');
    const crumbs = page.getByRole('navigation', { name: 'Vị trí trong cây đơn vị' });
    await crumbs.getByRole('link', { name: 'Bộ Giáo dục và Đào tạo' }).waitFor();
    await crumbs.getByRole('link', { name: 'Sở Giáo dục và Đào tạo Hà Nội' }).waitFor();
    await facts.getByText('Trường phổ thông').waitFor();
    // Admins see the people of the unit.
    const people = page.locator('section[aria-labelledby="unit-people"]');
    await people.getByText('Đỗ Thu Hằng').waitFor();
    await people.getByText('********2345').waitFor();
    await people.getByRole('cell', { name: 'Giáo viên' }).waitFor();
    assert.equal(await treeItem(page, 'Trường THPT Chu Văn An').getAttribute('aria-selected'), 'true');
    assert.match(await page.title(), /Trường THPT Chu Văn An/);
    await shot(page, 'unit-page-vi.png', { fullPage: true });

    // Switch to English in the user menu.
    await page.locator('#user-menu-button').click();
    const panel = page.locator('#user-menu-panel');
    await panel.getByRole('button', { name: 'English' }).click();
    await page.waitForFunction(() => document.documentElement.lang === 'en');
    await page.getByText('Chu Van An High School').waitFor();
    await facts.getByText('Unit code').waitFor();
    await facts.getByText('School', { exact: true }).waitFor();
    await facts.getByText('Active').waitFor();
    await page.locator('.brand__subtitle').getByText('Digital transformation of education').waitFor();
    await panel.getByRole('button', { name: 'Sign out' }).waitFor();
    assert.equal(await panel.getByRole('button', { name: 'English' }).getAttribute('aria-pressed'), 'true');
    await page.locator('#user-menu-button').getByText('Ministry administrator').waitFor();
    await page.getByRole('navigation', { name: 'Location in the unit tree' }).waitFor();
    await page.getByLabel('Find a unit').waitFor();
    assert.equal(await page.evaluate(() => localStorage.getItem('edudx.lang')), 'en');
    await page.keyboard.press('Escape');
    assert.equal(await panel.isHidden(), true, 'Escape closes the user menu');
    await shot(page, 'unit-page-en.png', { fullPage: true });

    // Reload: still signed in, still English, still on the school.
    await page.reload();
    await page.getByRole('heading', { level: 1, name: 'Trường THPT Chu Văn An' }).waitFor();
    assert.equal(await page.getAttribute('html', 'lang'), 'en');
    await page.getByRole('heading', { name: 'Staff, teachers and learners' }).waitFor();

    // Back goes to the Department, forward to the school again.
    await page.goBack();
    await page.getByRole('heading', { level: 1, name: 'Sở Giáo dục và Đào tạo Hà Nội' }).waitFor();
    await page.getByText('Department of Education and Training of Hanoi').waitFor();
    await page.goForward();
    await page.getByRole('heading', { level: 1, name: 'Trường THPT Chu Văn An' }).waitFor();

    // Sign out.
    await page.locator('#user-menu-button').click();
    await panel.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await page.getByText('You have signed out.').waitFor();
    const status = await page.evaluate(async () => (await fetch('/api/v1/session')).status);
    assert.equal(status, 401, 'the session is gone on the server');
    assert.equal(await page.locator('#app-view').isHidden(), true);
    noProblems(page);
  } finally {
    await done(page);
  }
});

test('search finds units without accents; Enter and click open them', async () => {
  const page = await newPage();
  try {
    await login(page, 'admin');
    const input = page.getByRole('combobox', { name: 'Tìm đơn vị' });
    await input.fill('chu van an');
    const option = page.getByRole('option', { name: /Trường THPT Chu Văn An/ });
    await option.waitFor();
    assert.equal(await input.getAttribute('aria-expanded'), 'true');
    await page.locator('#search-status').getByText(/1 kết quả/).waitFor();
    await input.press('ArrowDown');
    assert.equal(await input.getAttribute('aria-activedescendant'), 'search-opt-0');
    assert.equal(await option.getAttribute('aria-selected'), 'true');
    await shot(page, 'search.png');
    await input.press('Enter');
    await page.waitForURL(/#\/units\/THPT-CVA$/);
    await page.getByRole('heading', { level: 1, name: 'Trường THPT Chu Văn An' }).waitFor();
    assert.equal(await page.locator('#search-popup').isHidden(), true);

    await input.fill('ha noi');
    await page.getByRole('option', { name: /Sở Giáo dục và Đào tạo Hà Nội/ }).click();
    await page.waitForURL(/#\/units\/SGDDT-HA-NOI$/);
    await page.getByRole('heading', { level: 1, name: 'Sở Giáo dục và Đào tạo Hà Nội' }).waitFor();

    await input.fill('khong co don vi nay');
    await page.locator('#search-message').getByText('Không tìm thấy đơn vị phù hợp.').waitFor();
    await input.press('Escape');
    assert.equal(await page.locator('#search-popup').isHidden(), true);
    noProblems(page);
  } finally {
    await done(page);
  }
});

test('keyboard only: Tab to the tree, arrows expand and move, Enter opens a unit', async () => {
  const page = await newPage();
  try {
    await login(page, 'admin');
    // From the top of the page, Tab until the focus is in the tree.
    await page.evaluate(() => document.activeElement && document.activeElement.blur());
    let item = null;
    for (let i = 0; i < 25 && !item; i++) {
      await page.keyboard.press('Tab');
      item = await focusedTreeItem(page);
    }
    assert.ok(item, 'Tab reaches the tree');
    assert.equal(item.code, 'BGDDT');
    assert.notEqual(item.outline, 'none', 'the focused tree item shows a focus outline');
    // Left closes the open root, Right opens it again, Right again goes to the first child.
    await page.keyboard.press('ArrowLeft');
    assert.equal((await focusedTreeItem(page)).expanded, 'false');
    await page.keyboard.press('ArrowRight');
    await page.waitForFunction(() => document.activeElement.getAttribute('aria-expanded') === 'true');
    await page.keyboard.press('ArrowRight');
    assert.equal((await focusedTreeItem(page)).level, '2');
    // End / Home.
    await page.keyboard.press('End');
    assert.equal((await focusedTreeItem(page)).level, '2');
    await page.keyboard.press('Home');
    assert.equal((await focusedTreeItem(page)).code, 'BGDDT');
    // Down to the Hà Nội Department.
    for (let i = 0; i < 80; i++) {
      await page.keyboard.press('ArrowDown');
      if ((await focusedTreeItem(page)).code === 'SGDDT-HA-NOI') break;
    }
    item = await focusedTreeItem(page);
    assert.equal(item.code, 'SGDDT-HA-NOI');
    assert.equal(item.expanded, 'false');
    // Right loads and opens its children; Down moves into them; Enter opens one.
    await page.keyboard.press('ArrowRight');
    await page.waitForFunction(() => document.activeElement.getAttribute('aria-expanded') === 'true'
      && document.activeElement.querySelectorAll('[role="group"] > [role="treeitem"]').length > 0);
    await page.keyboard.press('ArrowDown');
    item = await focusedTreeItem(page);
    assert.equal(item.level, '3');
    const name = await page.evaluate(() => document.activeElement.querySelector('.tree-label').textContent);
    await shot(page, 'keyboard-tree.png');
    await page.keyboard.press('Enter');
    await page.waitForURL(new RegExp(`#/units/${item.code}$`));
    await page.getByRole('heading', { level: 1, name }).waitFor();
    // The focus stays in the tree; Left goes to the parent, Left again closes it.
    assert.equal((await focusedTreeItem(page)).code, item.code);
    await page.keyboard.press('ArrowLeft');
    assert.equal((await focusedTreeItem(page)).code, 'SGDDT-HA-NOI');
    await page.keyboard.press('ArrowLeft');
    assert.equal((await focusedTreeItem(page)).expanded, 'false');
    // Typing letters jumps to a matching unit (accents optional): "vu" → Vụ …
    await page.keyboard.press('Home');
    await page.keyboard.type('vu');
    const jumped = await focusedTreeItem(page);
    assert.match(jumped.code, /^BGDDT-V/);
    // Shift+Tab leaves the tree towards the search box.
    await page.keyboard.press('Shift+Tab');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'search-input');
    noProblems(page);
  } finally {
    await done(page);
  }
});

test('phone: sign-in and unit pages fit 390 and 360 px without horizontal scrolling', async () => {
  for (const [w, hgt, suffix] of [[390, 844, ''], [360, 740, '-360']]) {
    const page = await newPage({ viewport: { width: w, height: hgt }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 });
    try {
      await gotoApp(page);
      await page.getByRole('heading', { name: 'Đăng nhập' }).waitFor();
      await noHorizontalScroll(page, `sign-in at ${w} px`);
      assert.deepEqual(await smallTargets(page), [], `small touch targets on the sign-in page at ${w} px`);
      await shot(page, `phone-login${suffix}.png`);
      await page.getByLabel('Tên đăng nhập').fill('admin');
      await page.getByLabel('Mật khẩu', { exact: true }).fill(PASSWORD);
      await page.getByRole('button', { name: 'Đăng nhập' }).click();
      await page.locator('#app-view').waitFor({ state: 'visible' });
      // The tree is folded away on a phone, behind a toggle.
      const toggle = page.getByRole('button', { name: 'Hiện cây đơn vị' });
      await toggle.waitFor();
      assert.equal(await page.locator('#unit-tree').isVisible(), false);
      await page.goto(server.base + '/#/units/SGDDT-HA-NOI');
      await page.getByRole('heading', { level: 1, name: 'Sở Giáo dục và Đào tạo Hà Nội' }).waitFor();
      await page.getByRole('link', { name: 'Trường THPT Chu Văn An' }).waitFor();
      await noHorizontalScroll(page, `unit page at ${w} px`);
      assert.deepEqual(await smallTargets(page), [], `small touch targets on the unit page at ${w} px`);
      await shot(page, `phone${suffix}.png`, { fullPage: true });
      // Open the tree, pick a school: the tree folds again and the page changes.
      await toggle.click();
      await page.getByRole('button', { name: 'Ẩn cây đơn vị' }).waitFor();
      const doet = treeItem(page, 'Sở Giáo dục và Đào tạo Hà Nội');
      assert.equal(await doet.getAttribute('aria-selected'), 'true');
      await doet.locator('.tree-twisty').first().tap();
      await treeItem(page, 'Trường THPT Chu Văn An').waitFor();
      await noHorizontalScroll(page, `open tree at ${w} px`);
      assert.deepEqual(await smallTargets(page), [], `small touch targets with the tree open at ${w} px`);
      await shot(page, `phone-tree${suffix}.png`);
      await treeItem(page, 'Trường THPT Chu Văn An').locator('.tree-label').first().tap();
      await page.getByRole('heading', { level: 1, name: 'Trường THPT Chu Văn An' }).waitFor();
      assert.equal(await page.locator('#unit-tree').isVisible(), false);
      await noHorizontalScroll(page, `school page at ${w} px`);
      // The user menu fits on the screen.
      await page.locator('#user-menu-button').tap();
      const box = await page.locator('#user-menu-panel').boundingBox();
      assert.ok(box.x >= 0 && box.x + box.width <= w, `user menu inside the screen: ${JSON.stringify(box)}`);
      await shot(page, `phone-menu${suffix}.png`);
      noProblems(page);
    } finally {
      await done(page);
    }
  }
});

test('unit admin (hanoi.admin) sees only the Hà Nội subtree', async () => {
  const page = await newPage();
  try {
    await login(page, 'hanoi.admin');
    await page.locator('#user-menu-button').getByText('Quản trị viên đơn vị').waitFor();
    const roots = page.locator('#unit-tree > [role="treeitem"]');
    assert.equal(await roots.count(), 1);
    assert.equal(await roots.first().getAttribute('data-code'), 'SGDDT-HA-NOI');
    await treeItem(page, 'Trường THPT Chu Văn An').waitFor();
    assert.equal(await treeItem(page, 'Sở Giáo dục và Đào tạo Thành phố Hồ Chí Minh').count(), 0);

    // Search stays within the scope.
    const input = page.getByRole('combobox', { name: 'Tìm đơn vị' });
    await input.fill('le hong phong');
    await page.locator('#search-message').getByText('Không tìm thấy đơn vị phù hợp.').waitFor();
    await input.fill('ho chi minh');
    await page.locator('#search-message').getByText('Không tìm thấy đơn vị phù hợp.').waitFor();
    await input.fill('chu van an');
    await page.getByRole('option', { name: /Trường THPT Chu Văn An/ }).waitFor();
    await input.press('Escape');

    // Another province's page is refused.
    await gotoApp(page, '#/units/SGDDT-HO-CHI-MINH');
    await page.getByRole('heading', { level: 1, name: 'Không có quyền truy cập' }).waitFor();
    await page.getByText('SGDDT-HO-CHI-MINH nằm ngoài phạm vi').waitFor();
    await shot(page, 'forbidden.png');

    // The Ministry above is named in the breadcrumb but not a link.
    await gotoApp(page, '#/units/THPT-CVA');
    await page.getByRole('heading', { level: 1, name: 'Trường THPT Chu Văn An' }).waitFor();
    const crumbs = page.getByRole('navigation', { name: 'Vị trí trong cây đơn vị' });
    await crumbs.getByText('Bộ Giáo dục và Đào tạo').waitFor();
    assert.equal(await crumbs.getByRole('link', { name: 'Bộ Giáo dục và Đào tạo' }).count(), 0);
    await crumbs.getByRole('link', { name: 'Sở Giáo dục và Đào tạo Hà Nội' }).waitFor();
    // A unit admin sees the people of units in scope.
    await page.locator('section[aria-labelledby="unit-people"]').getByText('Đỗ Thu Hằng').waitFor();

    // An unknown code.
    await gotoApp(page, '#/units/NO-SUCH-UNIT');
    await page.getByRole('heading', { level: 1, name: 'Không tìm thấy đơn vị' }).waitFor();
    noProblems(page);
  } finally {
    await done(page);
  }
});

test('a teacher sees the unit without the people section', async () => {
  const page = await newPage();
  try {
    await login(page, 'teacher');
    await page.locator('#user-menu-button').getByText('Giáo viên').waitFor();
    await gotoApp(page, '#/units/THPT-CVA');
    await page.getByRole('heading', { level: 1, name: 'Trường THPT Chu Văn An' }).waitFor();
    await page.getByText('Đơn vị này không có đơn vị trực thuộc.').waitFor();
    assert.equal(await page.locator('section[aria-labelledby="unit-people"]').count(), 0);
    noProblems(page);
  } finally {
    await done(page);
  }
});

test('an expired session goes back to sign-in with a message, then returns to the unit', async () => {
  const page = await newPage();
  try {
    await login(page, 'admin');
    await gotoApp(page, '#/units/SGDDT-HA-NOI');
    await page.getByRole('heading', { level: 1, name: 'Sở Giáo dục và Đào tạo Hà Nội' }).waitFor();
    // The server forgets the session (as when it expires).
    await page.context().clearCookies();
    await page.locator('section[aria-labelledby="unit-children"]').getByRole('link', { name: 'Trường THPT Chu Văn An' }).click();
    await page.getByRole('heading', { name: 'Đăng nhập' }).waitFor();
    const alert = page.locator('#login-error');
    await alert.getByText('Phiên làm việc đã hết hạn. Vui lòng đăng nhập lại.').waitFor();
    assert.equal(await alert.getAttribute('role'), 'alert');
    await shot(page, 'session-expired.png');
    // Signing in again lands on the page that was asked for.
    await page.getByLabel('Tên đăng nhập').fill('admin');
    await page.getByLabel('Mật khẩu', { exact: true }).fill(PASSWORD);
    await page.getByRole('button', { name: 'Đăng nhập' }).click();
    await page.getByRole('heading', { level: 1, name: 'Trường THPT Chu Văn An' }).waitFor();
    noProblems(page);
  } finally {
    await done(page);
  }
});

test('static files carry the security headers and index.html has no inline code', async () => {
  const res = await fetch(server.base + '/');
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-security-policy') || '', /script-src 'self'/);
  const html = await res.text();
  assert.doesNotMatch(html, /<script(?![^>]*\bsrc=)[^>]*>/i, 'no inline <script>');
  assert.doesNotMatch(html, /<style/i, 'no inline <style>');
  assert.doesNotMatch(html, /\sstyle=/i, 'no style attributes');
  assert.doesNotMatch(html, /\son[a-z]+=/i, 'no inline event handlers');
  for (const f of ['/js/app.js', '/css/app.css', '/i18n/vi.json', '/i18n/en.json', '/favicon.svg']) {
    const r = await fetch(server.base + f);
    assert.equal(r.status, 200, f);
  }
  const vi = await (await fetch(server.base + '/i18n/vi.json')).json();
  const en = await (await fetch(server.base + '/i18n/en.json')).json();
  assert.deepEqual(Object.keys(vi).sort(), Object.keys(en).sort(), 'vi.json and en.json have the same keys');
});

// ---- run ----------------------------------------------------------------------------

let failed = 1;
let cleaned = false;
async function cleanup() {
  if (cleaned) return;
  cleaned = true;
  for (const c of contexts) await c.close().catch(() => {});
  if (browser) await browser.close().catch(() => {});
  if (server) await server.stop().catch(() => {});
  if (store) store.cleanup();
}
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, async () => {
    await cleanup();
    process.exit(1);
  });
}

try {
  store = seededStore();
  const r = cli(store, ['people', 'add', '--unit', 'THPT-CVA', '--name', 'Đỗ Thu Hằng', '--kind', 'teacher'], '001185012345\n');
  if (r.status !== 0) throw new Error('people add failed: ' + r.stderr);
  server = await new Server(store).start();
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-background-networking', '--disable-gpu', '--disable-quic',
      '--no-first-run', '--disable-component-update', '--disable-sync'],
  });
  failed = await run(SUITE);
} catch (e) {
  console.log('not ok - e2e setup');
  console.log(String(e && e.stack ? e.stack : e).split('\n').slice(0, 12).map((l) => '  # ' + l).join('\n'));
  console.log(`# ${SUITE}: 0 passed, 1 failed`);
  failed = 1;
} finally {
  await cleanup();
}
process.exit(failed ? 1 : 0);
