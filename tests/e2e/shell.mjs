// End-to-end test of the web UI shell: a real edudx server with the demo units,
// driven through Debian's Chromium by playwright-core (no downloaded browsers).
//   cd tests/e2e && npm ci          (once)
//   EDX_BIN=build-web/edudx node tests/e2e/shell.mjs
// Screenshots go to test-out/e2e/ under the repository root.
import { test, assert } from '../lib/harness.mjs';
import { seededStore, Server, PASSWORD, cli, dbExec } from '../lib/server.mjs';
import {
  loadChromium, runSuite, noProblems, shot, signIn, noHorizontalScroll, smallTargets,
} from './browser.mjs';

const SUITE = 'e2e';
const chromium = await loadChromium(SUITE);

let store = null;
let server = null;
let browser = null;
let pages = null;

// ---- helpers ------------------------------------------------------------------------

// A fresh browser context (own cookies and storage) and page; console errors that
// are not failed HTTP answers (CSP violations, exceptions) are collected in page.problems.
const newPage = (opts) => pages.open(opts);
const done = (page) => pages.close(page);

async function gotoApp(page, hash = '') {
  await page.goto(server.base + '/' + hash);
}

async function login(page, username, password = PASSWORD) {
  await signIn(page, server.base, username, password);
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

// ---- the account page ---------------------------------------------------------------

// Accounts of the account-page tests' own (their passwords, sessions and tokens change).
function addUser(username, displayName, role = 'teacher', unit = 'THPT-CVA') {
  const args = ['user', 'add', username, '--role', role, '--display-name', displayName];
  if (unit) args.push('--unit', unit);
  const r = cli(store, args, PASSWORD + '\n');
  if (r.status !== 0) throw new Error(`user add ${username} failed: ${r.stderr}`);
}

async function activeId(page) {
  return page.evaluate(() => (document.activeElement ? document.activeElement.id : ''));
}

async function tabTo(page, id, max = 20) {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    if (await activeId(page) === id) return;
  }
  assert.fail(`Tab does not reach #${id}`);
}

// Keyboard only: from the top of the page to the user menu, its "My account" link, Enter.
async function openAccountByKeyboard(page) {
  await page.evaluate(() => document.activeElement && document.activeElement.blur());
  await tabTo(page, 'user-menu-button');
  await page.keyboard.press('Enter');
  await page.locator('#user-menu-panel').waitFor();
  await tabTo(page, 'user-account-link');
  await page.keyboard.press('Enter');
  await page.waitForURL(/#\/account$/);
  await page.getByRole('heading', { level: 1, name: 'Tài khoản của tôi' }).waitFor();
  assert.equal(await activeId(page), 'page-title', 'focus moves to the page heading');
  assert.equal(await page.locator('#user-menu-panel').isHidden(), true, 'the menu closes');
  assert.match(await page.title(), /Tài khoản của tôi/);
}

test('account: My account from the user menu by keyboard; profile; password change with errors, then signing in with it', async () => {
  addUser('acct.pw', 'Nguyễn Văn Bình');
  const NEW = 'mot-mat-khau-moi-2025';
  const page = await newPage();
  try {
    await login(page, 'acct.pw');
    await openAccountByKeyboard(page);
    assert.equal(await page.locator('#user-account-link').getAttribute('aria-current'), 'page');

    // Profile: user name, display name, role in words, the unit as a link to its page.
    const profile = page.locator('section[aria-labelledby="acct-profile"]');
    await profile.getByRole('heading', { name: 'Thông tin tài khoản' }).waitFor();
    await profile.getByText('acct.pw', { exact: true }).waitFor();
    await profile.getByText('Nguyễn Văn Bình').waitFor();
    await profile.getByText('Giáo viên').waitFor();
    const unitLink = profile.getByRole('link', { name: 'Trường THPT Chu Văn An' });
    assert.equal(await unitLink.getAttribute('href'), '#/units/THPT-CVA');

    const form = page.locator('#acct-pw-form');
    const current = form.getByLabel('Mật khẩu hiện tại');
    const fresh = form.getByLabel('Mật khẩu mới', { exact: true });
    const repeat = form.getByLabel('Nhập lại mật khẩu mới');
    const submit = form.getByRole('button', { name: 'Đổi mật khẩu' });
    assert.equal(await current.getAttribute('autocomplete'), 'current-password');
    assert.equal(await fresh.getAttribute('autocomplete'), 'new-password');

    // The two new entries must match before anything is sent.
    let posts = 0;
    page.on('request', (r) => { if (r.method() === 'POST' && r.url().endsWith('/password')) posts++; });
    await current.fill(PASSWORD);
    await fresh.fill(NEW);
    await repeat.fill(NEW + '!');
    await submit.click();
    await page.locator('#acct-pw-repeat-error').getByText('Hai lần nhập mật khẩu mới không khớp nhau.').waitFor();
    assert.equal(await repeat.getAttribute('aria-invalid'), 'true');
    assert.equal(await activeId(page), 'acct-pw-repeat');
    assert.equal(posts, 0, 'nothing was sent');

    // The server's rules come back in Vietnamese, next to the new password.
    await fresh.fill('matkhau123');
    await repeat.fill('matkhau123');
    await submit.click();
    await page.locator('#acct-pw-new-error').getByText('Mật khẩu này quá phổ biến và dễ bị đoán.', { exact: false }).waitFor();
    assert.equal(await activeId(page), 'acct-pw-new');
    assert.equal(posts, 1);

    // A wrong current password: a localized error on that field.
    await current.fill('not-my-password-1');
    await fresh.fill(NEW);
    await repeat.fill(NEW);
    await submit.click();
    const currentError = page.locator('#acct-pw-current-error');
    await currentError.getByText('Mật khẩu hiện tại không đúng.').waitFor();
    assert.equal(await current.getAttribute('aria-invalid'), 'true');
    assert.equal(await activeId(page), 'acct-pw-current');
    assert.match(await current.getAttribute('aria-describedby'), /acct-pw-current-error/);
    await shot(page, 'account-password-error.png');

    // The message follows the language; what was typed stays.
    await page.locator('#user-menu-button').click();
    await page.locator('#user-menu-panel').getByRole('button', { name: 'English' }).click();
    await currentError.getByText('The current password is wrong.').waitFor();
    await page.getByRole('heading', { level: 1, name: 'My account' }).waitFor();
    assert.equal(await page.inputValue('#acct-pw-new'), NEW);
    await page.locator('#user-menu-panel').getByRole('button', { name: 'Tiếng Việt' }).click();
    await page.keyboard.press('Escape');
    await currentError.getByText('Mật khẩu hiện tại không đúng.').waitFor();

    // Typing clears the error; the right current password changes it.
    await current.fill(PASSWORD);
    assert.equal(await currentError.isHidden(), true);
    await submit.click();
    const done = page.locator('section[aria-labelledby="acct-password"] .notice--success');
    await done.getByText('Đã đổi mật khẩu.', { exact: false }).waitFor();
    for (const id of ['#acct-pw-current', '#acct-pw-new', '#acct-pw-repeat']) {
      assert.equal(await page.inputValue(id), '', `${id} is emptied`);
    }
    // This device stays signed in.
    await page.reload();
    await page.getByRole('heading', { level: 1, name: 'Tài khoản của tôi' }).waitFor();

    // Sign out; the old password no longer works, the new one does.
    await page.locator('#user-menu-button').click();
    await page.locator('#user-menu-panel').getByRole('button', { name: 'Đăng xuất' }).click();
    await page.getByRole('heading', { name: 'Đăng nhập' }).waitFor();
    await page.getByLabel('Tên đăng nhập').fill('acct.pw');
    await page.getByLabel('Mật khẩu', { exact: true }).fill(PASSWORD);
    await page.getByRole('button', { name: 'Đăng nhập' }).click();
    await page.locator('#login-error').getByText('Tên đăng nhập hoặc mật khẩu không đúng').waitFor();
    await page.getByLabel('Mật khẩu', { exact: true }).fill(NEW);
    await page.getByRole('button', { name: 'Đăng nhập' }).click();
    await page.getByRole('heading', { level: 1, name: 'Tài khoản của tôi' }).waitFor();
    noProblems(page);
  } finally {
    await done(page);
  }
});

test('account: too many wrong current passwords say how long to wait', async () => {
  addUser('acct.locked', 'Hoàng Văn Nam');
  const page = await newPage();
  try {
    await login(page, 'acct.locked');
    await gotoApp(page, '#/account');
    await page.getByRole('heading', { level: 1, name: 'Tài khoản của tôi' }).waitFor();
    // Someone else tries the password of this account 5 times: it is paused.
    for (let i = 0; i < 5; i++) {
      await fetch(server.base + '/api/v1/session', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'acct.locked', password: 'wrong-password-' + i }),
      });
    }
    const form = page.locator('#acct-pw-form');
    await form.getByLabel('Mật khẩu hiện tại').fill(PASSWORD);
    await form.getByLabel('Mật khẩu mới', { exact: true }).fill('mot-mat-khau-moi-2025');
    await form.getByLabel('Nhập lại mật khẩu mới').fill('mot-mat-khau-moi-2025');
    const answer = page.waitForResponse((r) => r.url().endsWith('/api/v1/users/acct.locked/password'));
    await form.getByRole('button', { name: 'Đổi mật khẩu' }).click();
    assert.equal((await answer).status(), 429);
    const alert = page.locator('section[aria-labelledby="acct-password"] .alert');
    await alert.getByText(/quá nhiều lần\. Vui lòng đợi khoảng \d+ phút/).waitFor();
    await page.locator('#announcer').getByText(/quá nhiều lần/).waitFor();
    assert.equal(await page.getByRole('heading', { level: 1, name: 'Tài khoản của tôi' }).count(), 1, 'still signed in');
    noProblems(page);
  } finally {
    await done(page);
  }
});

test('account: two devices of one account; ending the other one signs it out', async () => {
  addUser('acct.sessions', 'Trần Thị Hoa');
  const iphone = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1';
  const a = await newPage();
  const b = await newPage({ userAgent: iphone });
  try {
    await login(b, 'acct.sessions');
    await login(a, 'acct.sessions');
    await gotoApp(a, '#/account');
    const section = a.locator('section[aria-labelledby="acct-sessions"]');
    const devices = section.locator('.device');
    await devices.nth(1).waitFor();
    assert.equal(await devices.count(), 2);
    await section.getByText('2 phiên').waitFor();
    assert.equal(await section.getByText('Thiết bị này', { exact: true }).count(), 1, '"this device" once');
    const here = section.locator('.device--current');
    await here.getByText('Thiết bị này', { exact: true }).waitFor();
    assert.equal(await here.getByRole('button').count(), 0, 'no button to end this session');
    const other = section.locator('.device:not(.device--current)');
    await other.getByText('Safari trên iOS').waitFor();
    await other.getByText('127.0.0.1').waitFor();
    assert.equal(await other.locator('time').count(), 3);
    await shot(a, 'account-sessions.png');

    await other.getByRole('button', { name: 'Kết thúc phiên' }).click();
    await section.getByText('Đã kết thúc phiên đăng nhập trên Safari trên iOS.').waitFor();
    assert.equal(await devices.count(), 1);
    assert.equal(await activeId(a), 'acct-sessions', 'focus on the section heading');

    // The other device lands on the sign-in page when it next loads a page.
    await b.reload();
    await b.getByRole('heading', { name: 'Đăng nhập' }).waitFor();
    assert.equal(await b.locator('#app-view').isHidden(), true);

    // A session that ends meanwhile (the other device signs in, then out): 404, the list is refreshed.
    await login(b, 'acct.sessions');
    await a.reload();
    await devices.nth(1).waitFor();
    await b.locator('#user-menu-button').click();
    await b.locator('#user-menu-panel').getByRole('button', { name: 'Đăng xuất' }).click();
    await b.getByRole('heading', { name: 'Đăng nhập' }).waitFor();
    await other.getByRole('button', { name: 'Kết thúc phiên' }).click();
    await section.getByText('Phiên đó đã kết thúc từ trước. Danh sách đã được cập nhật.').waitFor();
    assert.equal(await devices.count(), 1);
    noProblems(a);
    noProblems(b);
  } finally {
    await done(a);
    await done(b);
  }
});

test('account: a read token is shown once, works with Bearer, and stops working once revoked', async () => {
  addUser('acct.tokens', 'Lê Minh Quân');
  const page = await newPage();
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.base });
  try {
    await login(page, 'acct.tokens');
    await gotoApp(page, '#/account');
    const tokens = page.locator('section[aria-labelledby="acct-tokens"]');
    await tokens.getByText('Bạn chưa có mã truy cập API nào.').waitFor();
    const create = tokens.getByRole('button', { name: 'Tạo mã truy cập' });

    // A name is needed.
    await create.click();
    await page.locator('#acct-tk-name-error').getByText('Vui lòng đặt tên cho mã truy cập.').waitFor();
    assert.equal(await activeId(page), 'acct-tk-name');

    await tokens.getByLabel('Tên gợi nhớ').fill('Đồng bộ phần mềm trường');
    assert.equal(await tokens.getByRole('radio', { name: 'Chỉ đọc' }).isChecked(), true, 'read only by default');
    await tokens.getByLabel('Thời hạn').selectOption('30');
    const until = new Intl.DateTimeFormat('vi-VN', { dateStyle: 'long' }).format(new Date(Date.now() + 30 * 86400000));
    await tokens.getByText(`Hết hạn vào ngày ${until}.`).waitFor();
    await create.click();

    // The secret, once: read-only, selected, with a warning and a copy button.
    const secret = page.locator('#acct-secret');
    await secret.waitFor();
    const value = await secret.inputValue();
    assert.match(value, /^edx_[0-9a-f]{16}_\S+$/);
    assert.equal(await secret.getAttribute('readonly'), '');
    assert.equal(await activeId(page), 'acct-secret', 'focus on the new token');
    await tokens.getByText('mã sẽ không được hiển thị lại', { exact: false }).waitFor();
    await tokens.getByRole('button', { name: 'Sao chép' }).click();
    await page.locator('#acct-secret-status').getByText('Đã sao chép mã vào bộ nhớ tạm.').waitFor();
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), value, 'the clipboard holds the token');
    const row = tokens.locator('tbody tr', { hasText: 'Đồng bộ phần mềm trường' });
    await row.getByText('Đang hiệu lực').waitFor();
    await row.getByText('Chỉ đọc').waitFor();
    await row.getByText(`edx_${value.slice(4, 20)}_…`).waitFor();
    assert.equal(await tokens.getByRole('radio', { name: 'Chỉ đọc' }).isChecked(), true);
    assert.equal(await page.inputValue('#acct-tk-name'), '', 'the form is emptied');
    await shot(page, 'account-token.png', { fullPage: true });

    // Not shown again after a reload.
    await page.reload();
    await page.getByRole('heading', { level: 1, name: 'Tài khoản của tôi' }).waitFor();
    await row.getByText('Đang hiệu lực').waitFor();
    assert.equal(await page.locator('#acct-secret').count(), 0);
    assert.equal((await page.content()).includes(value.slice(21)), false, 'the secret is nowhere on the page');

    // A program uses it.
    const use = () => fetch(server.base + '/api/v1/units/THPT-CVA', { headers: { authorization: 'Bearer ' + value } });
    let res = await use();
    assert.equal(res.status, 200);
    assert.equal((await res.json()).code, 'THPT-CVA');

    // Revoking asks first; Escape keeps the token.
    const revoke = row.getByRole('button', { name: 'Thu hồi' });
    await revoke.click();
    const dialog = page.getByRole('alertdialog', { name: 'Thu hồi mã truy cập “Đồng bộ phần mềm trường”?' });
    await dialog.waitFor();
    await dialog.getByText('không gọi được API nữa', { exact: false }).waitFor();
    await shot(page, 'account-revoke.png');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    await row.getByText('Đang hiệu lực').waitFor();
    assert.equal(await page.evaluate(() => document.activeElement.textContent), 'Thu hồi', 'focus back on the button');
    await revoke.click();
    await dialog.getByRole('button', { name: 'Thu hồi mã' }).click();
    await tokens.getByText('Đã thu hồi mã truy cập “Đồng bộ phần mềm trường”.').waitFor();
    await row.getByText('Đã thu hồi', { exact: true }).waitFor();
    assert.equal(await row.getByRole('button').count(), 0);

    res = await use();
    assert.equal(res.status, 401, 'the revoked token is refused');
    noProblems(page);
  } finally {
    await done(page);
  }
});

test('account: fits a 360 px phone; screenshots in Vietnamese and English', async () => {
  addUser('acct.phone', 'Phạm Thu Trang', 'unit_admin', 'SGDDT-HA-NOI');
  // A program's session and tokens: active, revoked and expired, so that every kind of row shows.
  const c = await server.login('acct.phone');
  const made = {};
  for (const [name, scope] of [['Thử nghiệm kết nối', 'read'], ['Nhập dữ liệu từ hệ thống cũ', 'write'], ['Báo cáo thống kê hằng tháng', 'read']]) {
    const r = await c.post('/api/v1/tokens', { name, scope, expires_in_days: 365 });
    assert.equal(r.status, 201);
    made[name] = r.body.id;
  }
  assert.equal((await c.del(`/api/v1/tokens/${made['Nhập dữ liệu từ hệ thống cũ']}`)).status, 204);
  dbExec(store, `UPDATE api_tokens SET created_at = created_at - 400 * 86400, expires_at = expires_at - 400 * 86400 WHERE public_id = '${made['Thử nghiệm kết nối']}'`);
  const desk = await newPage();
  try {
    await login(desk, 'acct.phone');
    await gotoApp(desk, '#/account');
    await desk.locator('.device').nth(1).waitFor();
    const rows = desk.locator('section[aria-labelledby="acct-tokens"] tbody tr');
    assert.deepEqual(await rows.locator('.status').allTextContents(), ['Đang hiệu lực', 'Đã thu hồi', 'Đã hết hạn'], 'newest first');
    assert.equal(await rows.getByRole('button', { name: 'Thu hồi' }).count(), 1, 'only the active token can be revoked');
    await desk.locator('.device').getByText('Node.js').waitFor();
    await shot(desk, 'account-vi.png', { fullPage: true });
    await desk.locator('#user-menu-button').click();
    await desk.locator('#user-menu-panel').getByRole('button', { name: 'English' }).click();
    await desk.getByRole('heading', { level: 1, name: 'My account' }).waitFor();
    await desk.keyboard.press('Escape');
    await desk.getByRole('heading', { name: 'Signed-in devices' }).waitFor();
    await desk.getByText('Read and write').first().waitFor();
    await shot(desk, 'account-en.png', { fullPage: true });
    noProblems(desk);
  } finally {
    await done(desk);
  }

  for (const lang of ['vi', 'en']) {
    const page = await newPage({ viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 });
    try {
      await gotoApp(page);
      await page.getByLabel('Tên đăng nhập').fill('acct.phone');
      await page.getByLabel('Mật khẩu', { exact: true }).fill(PASSWORD);
      await page.getByRole('button', { name: 'Đăng nhập' }).tap();
      await page.locator('#app-view').waitFor({ state: 'visible' });
      await page.locator('#user-menu-button').tap();
      if (lang === 'en') await page.locator('#user-menu-panel').getByRole('button', { name: 'English' }).tap();
      await page.locator('#user-account-link').tap();
      await page.waitForURL(/#\/account$/);
      await page.locator('.device').nth(1).waitFor();
      await noHorizontalScroll(page, `account page at 360 px (${lang})`);
      assert.deepEqual(await smallTargets(page), [], `small touch targets on the account page (${lang})`);
      await shot(page, `phone-account-360-${lang}.png`, { fullPage: true });
      if (lang === 'vi') {
        // A new token's secret fits too.
        await page.getByLabel('Tên gợi nhớ').fill('Ứng dụng điện thoại');
        await page.getByRole('button', { name: 'Tạo mã truy cập' }).tap();
        await page.locator('#acct-secret').waitFor();
        await noHorizontalScroll(page, 'new token at 360 px');
        assert.deepEqual(await smallTargets(page), [], 'small touch targets with a new token');
        await page.locator('#acct-secret').scrollIntoViewIfNeeded();
        await shot(page, 'phone-account-token-360.png');
      }
      noProblems(page);
    } finally {
      await done(page);
    }
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
  for (const f of ['/js/app.js', '/js/account.js', '/css/app.css', '/i18n/vi.json', '/i18n/en.json', '/favicon.svg']) {
    const r = await fetch(server.base + f);
    assert.equal(r.status, 200, f);
  }
  const vi = await (await fetch(server.base + '/i18n/vi.json')).json();
  const en = await (await fetch(server.base + '/i18n/en.json')).json();
  assert.deepEqual(Object.keys(vi).sort(), Object.keys(en).sort(), 'vi.json and en.json have the same keys');
});

// ---- run ----------------------------------------------------------------------------

await runSuite(SUITE, chromium, async (ctx) => {
  ctx.store = store = seededStore();
  const r = cli(store, ['people', 'add', '--unit', 'THPT-CVA', '--name', 'Đỗ Thu Hằng', '--kind', 'teacher'], '001185012345\n');
  if (r.status !== 0) throw new Error('people add failed: ' + r.stderr);
  ctx.server = server = await new Server(store).start();
}, (ctx) => {
  ({ browser, pages } = ctx);
});
