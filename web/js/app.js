// edudx web UI: start-up, sign-in, the signed-in shell and hash routing
// (#/, #/units/CODE, #/account; for admins #/credentials…, #/units/CODE/keys and #/trust;
// the movement: #/movement…, #/initiatives…, #/reviews…, #/nominations/ID, #/ballots/ID).
// Plain ES modules, no framework.

import { AccountView } from './account.js';
import { api, allUnits, onAuthLost, setCsrf } from './api.js';
import { CredListView, CredView, IssueView, KeysView, TrustView } from './credentials.js';
import { $, h, unitHref } from './dom.js';
import { onLangChange, savedLang, setLang, t, word } from './i18n.js';
import { MilestoneView } from './milestone.js';
import { CampaignView, CampaignsView, DashboardView } from './movement.js';
import { BallotView, NominationView, NominationsView } from './nominations.js';
import { ReviewEntryView, ReviewsView, RoundView } from './review.js';
import { UnitSearch } from './search.js';
import { UnitTree } from './tree.js';
import { HomeView, MessageView, UnitView } from './views.js';
import { InitiativeView, InitiativesView, ReportView, WorkspaceView } from './workspace.js';

const narrow = window.matchMedia('(max-width: 900px)');
// Roles that see the side navigation (each entry names its roles in data-roles).
const NAV_ROLES = new Set(['ministry_admin', 'unit_admin', 'reviewer']);

const ctx = {
  user: null,
  provinces: new Map(),
  roots: [],
  announce: (text) => announce(text), // for views: say the outcome of an action
};

let tree = null;
let search = null;
let view = null;          // the view shown in #view
let routeSeq = 0;
let routeCtrl = null;
let focusNext = false;    // move the focus to the page heading after the next render
let authLost = false;

/* ---- small helpers ------------------------------------------------------------------- */

// Show a message in a live region; set after a tick so screen readers notice it.
function say(el, text) {
  el.hidden = !text;
  el.textContent = '';
  if (text) setTimeout(() => { el.textContent = text; }, 30);
}

function announce(text) {
  const el = $('#announcer');
  el.textContent = '';
  setTimeout(() => { el.textContent = text; }, 30);
}

function setTitle(main) {
  document.title = main ? `${main} · ${t('app.name')}` : t('app.title');
}

function syncLangButtons() {
  const lang = document.documentElement.lang;
  for (const b of document.querySelectorAll('.lang-switch__btn')) {
    b.setAttribute('aria-pressed', b.dataset.lang === lang ? 'true' : 'false');
  }
}

/* ---- boot ----------------------------------------------------------------------------- */

async function boot() {
  try {
    await setLang(savedLang(), { remember: false });
  } catch {
    // Without the strings there is nothing sensible to show but this.
    $('#boot-text').textContent = 'edudx: không tải được giao diện · could not load the interface';
    $('#boot-view').classList.add('boot--error');
    document.documentElement.classList.remove('is-booting');
    return;
  }
  syncLangButtons();
  setTitle();
  document.documentElement.classList.remove('is-booting');
  wireShell();
  await checkSession();
}

async function checkSession() {
  const bootView = $('#boot-view');
  bootView.hidden = false;
  bootView.classList.remove('boot--error');
  $('#boot-text').textContent = t('app.loading');
  $('#boot-retry').hidden = true;
  try {
    const s = await api.getSession();
    await signedIn(s, { fromForm: false });
  } catch (e) {
    if (e.status === 401) {
      showLogin();
    } else {
      bootView.classList.add('boot--error');
      $('#boot-text').textContent = e.status === 0 ? t('error.network') : t('error.server', { status: e.status });
      $('#boot-retry').hidden = false;
    }
  }
}

function wireShell() {
  $('#boot-retry').addEventListener('click', () => checkSession());

  // Skip link: focus the visible main region without touching the route.
  $('.skip-link').addEventListener('click', (e) => {
    e.preventDefault();
    const target = !$('#login-view').hidden ? $('#login-view') : $('#main');
    target.focus();
  });

  for (const b of document.querySelectorAll('.lang-switch__btn')) {
    b.addEventListener('click', async () => {
      await setLang(b.dataset.lang);
    });
  }
  onLangChange(() => {
    syncLangButtons();
    fillUserMenu();
    syncTreeToggle();
    if (tree) tree.relabel();
    if (search) search.relabel();
    if (view && !$('#app-view').hidden) renderView();
    else if (!$('#login-view').hidden) setTitle(t('login.heading'));
    // Messages already shown on the sign-in page are re-worded too.
    for (const id of ['#login-notice', '#login-error', '#login-username-error', '#login-password-error', '#sign-out-error']) {
      const el = $(id);
      if (!el.hidden && el.dataset.key) el.textContent = t(el.dataset.key, JSON.parse(el.dataset.params || '{}'));
    }
  });

  wireLogin();
  wireUserMenu();
  wireTreePanel();

  tree = new UnitTree($('#unit-tree'), {
    load: (code) => allUnits({ parent: code }),
    onOpen: (code, how) => openUnit(code, how === 'keyboard' || how === 'pointer' ? 'tree' : how),
  });
  search = new UnitSearch({
    root: $('#search'),
    input: $('#search-input'),
    popup: $('#search-popup'),
    list: $('#search-results'),
    message: $('#search-message'),
    status: $('#search-status'),
    onOpen: (code) => openUnit(code, 'search'),
  });

  onAuthLost(() => {
    if (!ctx.user || authLost) return;
    authLost = true;
    signedOutLocally();
    showLogin({ key: 'login.expired', kind: 'warning' });
  });

  window.addEventListener('hashchange', () => {
    if (ctx.user) route();
  });

  // Links inside the main area: focus the new page's heading once it is drawn.
  $('#main').addEventListener('click', (e) => {
    if (e.target.closest('a[href^="#/"]')) focusNext = true;
  });
  $('#brand-link').addEventListener('click', () => { focusNext = true; });
  $('#side-nav').addEventListener('click', (e) => {
    const a = e.target.closest('a[href^="#/"]');
    if (!a) return;
    focusNext = true;
    if (narrow.matches) setTreeOpen(false);
    if (location.hash === a.getAttribute('href')) {
      e.preventDefault();
      route(); // already there: load it afresh
    }
  });
}

/* ---- sign-in -------------------------------------------------------------------------- */

function setMsg(el, key, params, kind) {
  if (!key) {
    el.hidden = true;
    el.textContent = '';
    delete el.dataset.key;
    return;
  }
  el.dataset.key = key;
  el.dataset.params = JSON.stringify(params || {});
  if (kind) el.className = kind === 'warning' ? 'alert alert--warning' : 'alert alert--error';
  say(el, t(key, params));
}

function fieldError(input, errEl, key) {
  input.setAttribute('aria-invalid', key ? 'true' : 'false');
  setMsg(errEl, key);
}

// The user name field gets the focus only when the sign-in page replaces another
// view (sign-out, expired session); on first load the page starts at the top.
function showLogin({ key = null, kind = 'info', focus = Boolean(key) } = {}) {
  $('#boot-view').hidden = true;
  $('#app-view').hidden = true;
  $('#user-menu').hidden = true;
  $('#login-lang').hidden = false;
  $('#login-view').hidden = false;
  setTitle(t('login.heading'));
  const form = $('#login-form');
  form.reset();
  fieldError($('#login-username'), $('#login-username-error'), null);
  fieldError($('#login-password'), $('#login-password-error'), null);
  $('#login-password').type = 'password';
  setMsg($('#login-error'), null);
  setMsg($('#login-notice'), null);
  if (key && kind === 'info') setMsg($('#login-notice'), key);
  else if (key) setMsg($('#login-error'), key, null, kind);
  setBusy(false);
  if (focus) $('#login-username').focus();
}

function setBusy(busy) {
  const b = $('#login-submit');
  b.disabled = busy;
  b.textContent = t(busy ? 'login.submitting' : 'login.submit');
  b.dataset.i18n = busy ? 'login.submitting' : 'login.submit';
  $('#login-form').setAttribute('aria-busy', busy ? 'true' : 'false');
}

function wireLogin() {
  const form = $('#login-form');
  const user = $('#login-username');
  const pass = $('#login-password');
  $('#login-show-password').addEventListener('change', (e) => {
    pass.type = e.target.checked ? 'text' : 'password';
  });
  user.addEventListener('input', () => fieldError(user, $('#login-username-error'), null));
  pass.addEventListener('input', () => fieldError(pass, $('#login-password-error'), null));

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    setMsg($('#login-error'), null);
    setMsg($('#login-notice'), null);
    const username = user.value.trim();
    const password = pass.value;
    fieldError(user, $('#login-username-error'), username ? null : 'login.error.required_username');
    fieldError(pass, $('#login-password-error'), password ? null : 'login.error.required_password');
    if (!username) return user.focus();
    if (!password) return pass.focus();
    setBusy(true);
    try {
      const s = await api.login(username, password);
      await signedIn(s, { fromForm: true });
    } catch (err) {
      setBusy(false);
      if (err.status === 401 || err.status === 400) {
        setMsg($('#login-error'), 'login.error.credentials', null, 'error');
      } else if (err.status === 429) {
        const minutes = Math.max(1, Math.ceil((err.retryAfter || 900) / 60));
        setMsg($('#login-error'), 'login.error.throttled', { count: minutes }, 'error');
      } else if (err.status === 0) {
        setMsg($('#login-error'), 'error.network', null, 'error');
      } else {
        setMsg($('#login-error'), 'error.server', { status: err.status }, 'error');
      }
      pass.value = '';
      pass.focus();
    }
  });
}

async function signedIn(session, { fromForm }) {
  setCsrf(session.csrf_token);
  ctx.user = session.user;
  authLost = false;
  try {
    const p = await api.provinces();
    ctx.provinces = new Map((p.provinces || []).map((x) => [x.code, x]));
  } catch (e) {
    if (e.status === 401) return;
    ctx.provinces = new Map(); // names fall back to codes
  }
  fillUserMenu();
  $('#boot-view').hidden = true;
  $('#login-view').hidden = true;
  $('#login-lang').hidden = true;
  $('#user-menu').hidden = false;
  $('#app-view').hidden = false;
  setTreeOpen(!narrow.matches);
  search.reset();
  await loadRoots();
  if (!ctx.user) return;
  focusNext = fromForm;
  await route();
}

function signedOutLocally() {
  setCsrf(null);
  ctx.user = null;
  ctx.roots = [];
  view = null;
  $('#side-nav').hidden = true;
  if (routeCtrl) routeCtrl.abort();
  tree.reset();
  search.reset();
  closeUserMenu(false);
  $('#view').replaceChildren();
}

async function signOut() {
  const btn = $('#sign-out');
  btn.disabled = true;
  setMsg($('#sign-out-error'), null);
  try {
    await api.logout();
  } catch (e) {
    if (e.status !== 401) {
      btn.disabled = false;
      setMsg($('#sign-out-error'), 'user.sign_out_failed');
      return;
    }
  }
  btn.disabled = false;
  signedOutLocally();
  showLogin({ key: 'login.signed_out' });
}

/* ---- user menu -------------------------------------------------------------------------- */

function fillUserMenu() {
  const u = ctx.user;
  if (!u) return;
  const name = u.display_name || u.username;
  const words = name.trim().split(/\s+/);
  $('#user-avatar').textContent = (words[words.length - 1] || '?').charAt(0);
  $('#user-name').textContent = name;
  $('#user-role').textContent = word('role', u.role);
  $('#user-username').textContent = u.username;
  $('#user-role-long').textContent = word('role', u.role);
  $('#user-unit').textContent = u.unit_code || t('user.all_units');
}

function openUserMenu() {
  $('#user-menu-panel').hidden = false;
  $('#user-menu-button').setAttribute('aria-expanded', 'true');
}

function closeUserMenu(returnFocus) {
  $('#user-menu-panel').hidden = true;
  $('#user-menu-button').setAttribute('aria-expanded', 'false');
  if (returnFocus) $('#user-menu-button').focus();
}

function wireUserMenu() {
  const menu = $('#user-menu');
  const button = $('#user-menu-button');
  button.addEventListener('click', () => {
    if ($('#user-menu-panel').hidden) openUserMenu();
    else closeUserMenu(false);
  });
  menu.addEventListener('keydown', (e) => {
    if (e.key === 'Escape' && !$('#user-menu-panel').hidden) {
      e.preventDefault();
      closeUserMenu(true);
    }
  });
  menu.addEventListener('focusout', (e) => {
    if (e.relatedTarget && !menu.contains(e.relatedTarget)) closeUserMenu(false);
  });
  document.addEventListener('click', (e) => {
    if (!menu.contains(e.target)) closeUserMenu(false);
  });
  $('#sign-out').addEventListener('click', () => signOut());
  $('#user-account-link').addEventListener('click', (e) => {
    closeUserMenu(false);
    focusNext = true;
    if (location.hash === '#/account') {
      e.preventDefault();
      route(); // already there: load it afresh
    }
  });
}

/* ---- tree panel (collapsible on narrow screens) --------------------------------------- */

function setTreeOpen(open) {
  $('.tree-panel').classList.toggle('is-collapsed', !open);
  $('#tree-toggle').setAttribute('aria-expanded', open ? 'true' : 'false');
  syncTreeToggle();
}

function syncTreeToggle() {
  const open = $('#tree-toggle').getAttribute('aria-expanded') === 'true';
  $('.tree-panel__toggle-text').textContent = t(open ? 'nav.hide_tree' : 'nav.show_tree');
}

function wireTreePanel() {
  $('#tree-toggle').addEventListener('click', () => {
    const open = $('#tree-toggle').getAttribute('aria-expanded') !== 'true';
    setTreeOpen(open);
    if (open) {
      const first = $('#unit-tree [role="treeitem"][tabindex="0"]');
      if (first) first.focus();
    }
  });
  narrow.addEventListener('change', () => setTreeOpen(!narrow.matches));
}

async function loadRoots() {
  const status = $('#tree-status');
  status.hidden = true;
  try {
    ctx.roots = await allUnits({ parent: '' });
    await tree.setRoots(ctx.roots);
    if (!ctx.roots.length) {
      status.hidden = false;
      status.className = 'tree-panel__status notice';
      status.textContent = t('tree.empty');
    }
  } catch (e) {
    if (e.status === 401) return;
    ctx.roots = [];
    status.hidden = false;
    status.className = 'tree-panel__status alert';
    status.textContent = t('tree.error');
  }
}

/* ---- routing ---------------------------------------------------------------------------- */

function parseHash() {
  const hash = location.hash || '';
  if (!hash.startsWith('#/')) return { name: 'home' };
  const [path, qs] = hash.slice(2).split('?');
  const query = new URLSearchParams(qs || '');
  let parts;
  try {
    parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  } catch {
    return { name: 'notfound' };
  }
  const [a, b, c] = parts;
  if (parts.length === 0) return { name: 'home' };
  if (a === 'account' && parts.length === 1) return { name: 'account' };
  if (a === 'units' && parts.length === 2) return { name: 'unit', code: b };
  if (a === 'units' && parts.length === 3 && c === 'keys') return { name: 'keys', code: b };
  if (a === 'credentials' && parts.length === 1) return { name: 'credentials', query };
  if (a === 'credentials' && parts.length === 2 && b === 'issue') return { name: 'issue', query };
  if (a === 'credentials' && parts.length === 2) return { name: 'credential', id: b };
  if (a === 'trust' && parts.length === 1) return { name: 'trust' };
  if (a === 'movement') return parseMovement(parts, query);
  if (a === 'initiatives' && parts.length === 1) return { name: 'initiatives', query };
  if (a === 'initiatives' && parts.length === 2) return { name: 'initiative', id: b };
  if (a === 'reviews' && parts.length === 1) return { name: 'reviews' };
  if (a === 'reviews' && parts.length === 2) return { name: 'review', id: b };
  if (a === 'nominations' && parts.length === 2) return { name: 'nomination', id: b };
  if (a === 'ballots' && parts.length === 2) return { name: 'ballot', id: b };
  return { name: 'notfound' };
}

// #/movement, #/movement/C, #/movement/C/dashboard, #/movement/C/nominations,
// #/movement/C/rounds/R, #/movement/C/milestones/M, #/movement/C/units/U, #/movement/C/units/U/reports/P
function parseMovement(parts, query) {
  const [, code, what, x, y, z] = parts;
  if (parts.length === 1) return { name: 'campaigns' };
  if (parts.length === 2) return { name: 'campaign', code };
  if (parts.length === 3 && what === 'dashboard') return { name: 'dashboard', code, query };
  if (parts.length === 3 && what === 'nominations') return { name: 'nominations', code, query };
  if (parts.length === 4 && what === 'rounds') return { name: 'round', code, round: x, query };
  if (parts.length === 4 && what === 'milestones') return { name: 'milestone', code, milestone: x };
  if (parts.length === 4 && what === 'units') return { name: 'workspace', code, unit: x };
  if (parts.length === 6 && what === 'units' && y === 'reports') return { name: 'report', code, unit: x, period: z };
  return { name: 'notfound' };
}

function makeView(r) {
  switch (r.name) {
    case 'home': return new HomeView(ctx);
    case 'unit': return new UnitView(ctx, r.code);
    case 'account': return new AccountView(ctx);
    case 'keys': return new KeysView(ctx, r.code);
    case 'credentials': return new CredListView(ctx, r.query);
    case 'issue': return new IssueView(ctx, r.query);
    case 'credential': return new CredView(ctx, r.id);
    case 'trust': return new TrustView(ctx);
    case 'campaigns': return new CampaignsView(ctx);
    case 'campaign': return new CampaignView(ctx, r.code);
    case 'dashboard': return new DashboardView(ctx, r.code, r.query);
    case 'nominations': return new NominationsView(ctx, r.code, r.query);
    case 'round': return new RoundView(ctx, r.code, r.round, r.query);
    case 'milestone': return new MilestoneView(ctx, r.code, r.milestone);
    case 'workspace': return new WorkspaceView(ctx, r.code, r.unit);
    case 'report': return new ReportView(ctx, r.code, r.unit, r.period);
    case 'initiatives': return new InitiativesView(ctx, r.query);
    case 'initiative': return new InitiativeView(ctx, r.id);
    case 'reviews': return new ReviewsView(ctx);
    case 'review': return new ReviewEntryView(ctx, r.id);
    case 'nomination': return new NominationView(ctx, r.id);
    case 'ballot': return new BallotView(ctx, r.id);
    default: return new MessageView(ctx, 'page.notfound_title', 'page.notfound');
  }
}

// The section of the side navigation a route belongs to.
function navSection(r) {
  if (['credentials', 'issue', 'credential', 'keys'].includes(r.name)) return 'credentials';
  if (r.name === 'trust') return 'trust';
  if (r.name === 'home' || r.name === 'unit') return 'home';
  if (['campaigns', 'campaign', 'dashboard', 'nominations', 'workspace', 'report', 'nomination', 'milestone'].includes(r.name)) return 'movement';
  if (r.name === 'round') return ctx.user && ctx.user.role === 'reviewer' ? 'reviews' : 'movement';
  if (['reviews', 'review', 'ballot'].includes(r.name)) return ctx.user && ctx.user.role === 'reviewer' ? 'reviews' : 'movement';
  if (r.name === 'initiatives' || r.name === 'initiative') return 'initiatives';
  return null;
}

function syncSideNav(r) {
  const nav = $('#side-nav');
  nav.hidden = !ctx.user || !NAV_ROLES.has(ctx.user.role);
  for (const li of nav.querySelectorAll('[data-roles]')) {
    li.hidden = !ctx.user || !li.dataset.roles.split(' ').includes(ctx.user.role);
  }
  const current = navSection(r);
  for (const a of nav.querySelectorAll('[data-nav]')) {
    if (a.dataset.nav === current) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
}

// how: 'tree' keeps the focus in the tree (unless the tree panel closes on a phone).
function openUnit(code, how) {
  const href = unitHref(code);
  if (how === 'tree' && narrow.matches) {
    setTreeOpen(false);
    focusNext = true;
  } else {
    focusNext = how !== 'tree';
  }
  if (location.hash === href) route();
  else location.hash = href;
}

async function route() {
  const r = parseHash();
  const seq = ++routeSeq;
  if (routeCtrl) routeCtrl.abort();
  const ctrl = new AbortController();
  routeCtrl = ctrl;
  const el = $('#view');
  let next = makeView(r);
  syncSideNav(r);
  if (r.name !== 'home' && r.name !== 'notfound') {
    $('#main').setAttribute('aria-busy', 'true');
    const loading = setTimeout(() => {
      if (seq === routeSeq) el.replaceChildren(h('p', { class: 'loading-line', role: 'status' }, t('app.loading')));
    }, 150);
    let ok;
    try {
      ok = await next.load(ctrl.signal);
    } catch (e) {
      if (e && e.name === 'AbortError') return;
      next.error = e;
      ok = false;
    } finally {
      clearTimeout(loading);
      $('#main').removeAttribute('aria-busy');
    }
    if (seq !== routeSeq || !ctx.user) return;
    if (!ok) next = next.failure ? next.failure() : errorView(next.error, r.code);
  }
  if (seq !== routeSeq || !ctx.user) return;
  view = next;
  renderView();
  if (view instanceof AccountView) $('#user-account-link').setAttribute('aria-current', 'page');
  else $('#user-account-link').removeAttribute('aria-current');
  if (view instanceof UnitView) {
    tree.reveal(view.path());
  } else {
    tree.select(null);
  }
  if (focusNext) {
    const h1 = $('#page-title');
    if (h1) h1.focus();
  } else if (view instanceof UnitView && document.activeElement && $('#unit-tree').contains(document.activeElement)) {
    announce(t('unit.opened', { name: view.title() }));
  }
  focusNext = false;
}

function errorView(e, code) {
  if (!e) return new MessageView(ctx, 'unit.error_title', 'error.generic');
  if (e.name === 'AbortError') return new MessageView(ctx, 'unit.error_title', 'error.generic');
  if (e.status === 403) return new MessageView(ctx, 'unit.forbidden_title', 'unit.forbidden', { code });
  if (e.status === 404) return new MessageView(ctx, 'unit.notfound_title', 'unit.notfound', { code });
  if (e.status === 0) return new MessageView(ctx, 'unit.error_title', 'error.network', {}, { retry: () => route() });
  return new MessageView(ctx, 'unit.error_title', 'error.server', { status: e.status }, { retry: () => route() });
}

function renderView() {
  if (!view) return;
  view.render($('#view'));
  setTitle(view.title());
}

boot();
