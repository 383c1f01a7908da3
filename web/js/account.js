// The "My account" page (#/account): the profile of the signed-in account, a
// password change, the devices signed in to it (sessions) and its API tokens.
// Like the other views it keeps its data, and what was typed, so that it can be
// drawn again after a change of language; a section that changes is redrawn alone.

import { api } from './api.js';
import { h, unitHref } from './dom.js';
import { t, word, formatAgo, formatDay } from './i18n.js';
import { PartsView, field, msgText, requestError, setBusy, time } from './ui.js';
import { title } from './views.js';

const TOKEN_DAYS = [7, 30, 90, 180, 365, 730];
const DEFAULT_DAYS = 90;
const TOKEN_NAME_MAX = 100;

/* ---- a short guess at the device from its User-Agent ------------------------------------ */

const PROGRAMS = [
  [/^curl\//i, 'curl'],
  [/^wget\//i, 'Wget'],
  [/python-requests|python-urllib|python-httpx|aiohttp/i, 'Python'],
  [/^node\b|node-fetch|undici/i, 'Node.js'],
  [/^Go-http-client/i, 'Go'],
  [/^PostmanRuntime/i, 'Postman'],
  [/^okhttp/i, 'OkHttp'],
  [/PowerShell/i, 'PowerShell'],
  [/^Java\//i, 'Java'],
];
const BROWSERS = [
  [/\bEdg(?:e|A|iOS)?\//, 'Edge'],
  [/\bOPR\/|\bOpera\b/, 'Opera'],
  [/coc_coc_browser|\bCocCoc\b/i, 'Cốc Cốc'],
  [/\bZalo/i, 'Zalo'],
  [/\bSamsungBrowser\//, 'Samsung Internet'],
  [/\bYaBrowser\//, 'Yandex'],
  [/\bFirefox\/|\bFxiOS\//, 'Firefox'],
  [/\bChrom(?:e|ium)\/|\bCriOS\/|\bHeadlessChrome\//, 'Chrome'],
  [/\bVersion\/[\d.]+.*\bSafari\//, 'Safari'],
];
const SYSTEMS = [
  [/\bWindows\b/, 'Windows'],
  [/\biPhone\b|\biPod\b/, 'iOS'],
  [/\biPad\b/, 'iPadOS'],
  [/\bCrOS\b/, 'ChromeOS'],
  [/\bAndroid\b/, 'Android'],
  [/\bMac OS X\b|\bMacintosh\b/, 'macOS'],
  [/\bLinux\b|\bX11\b/, 'Linux'],
];

function firstMatch(list, s) {
  for (const [re, name] of list) if (re.test(s)) return name;
  return null;
}

// { browser, os, kind: 'computer' | 'phone' | 'program' }; names are null when unknown.
export function guessDevice(ua) {
  const s = String(ua || '');
  const program = firstMatch(PROGRAMS, s);
  if (program) return { browser: program, os: null, kind: 'program' };
  const os = firstMatch(SYSTEMS, s);
  const phone = os === 'iOS' || os === 'Android' || /\bMobile\b/.test(s);
  return { browser: firstMatch(BROWSERS, s), os, kind: phone ? 'phone' : 'computer' };
}

// "Chrome trên Windows" / "Chrome on Windows".
export function deviceName(ua) {
  const { browser, os } = guessDevice(ua);
  if (browser && os) return t('device.on', { browser, os });
  return browser || os || t('device.unknown');
}

/* ---- messages, fields ----------------------------------------------------------------- */

function retryMinutes(seconds) {
  return Math.max(1, Math.ceil((seconds || 900) / 60));
}

// The rules the server checks a new password against, by the error code it answers.
const PASSWORD_RULES = {
  password_required: 'pw.error.new_required',
  password_too_short: 'pw.error.too_short',
  password_too_long: 'pw.error.too_long',
  password_too_common: 'pw.error.common',
  password_like_username: 'pw.error.username',
  password_too_simple: 'pw.error.few_chars',
};

// { field: 'current' | 'new' | null, msg }
function passwordError(e) {
  if (e.status === 429) {
    return { field: null, msg: { key: 'pw.error.throttled', params: { count: retryMinutes(e.retryAfter) }, kind: 'error' } };
  }
  if (e.status === 403 && e.field === 'current_password') return { field: 'current', msg: { key: 'pw.error.current_wrong' } };
  if (e.status === 400 && e.field === 'current_password') return { field: 'current', msg: { key: 'pw.error.current_required' } };
  if (e.status === 400 && e.field === 'password') {
    const key = PASSWORD_RULES[e.code] || (e.code === 'invalid_field' && /required/i.test(e.message) ? 'pw.error.new_required' : null);
    return { field: 'new', msg: key ? { key } : { text: e.message } };
  }
  return { field: null, msg: requestError(e) };
}

// { field: 'name' | 'scope' | 'days' | null, msg }
function tokenError(e) {
  if (e.status === 400 && e.field === 'name') {
    if (/empty|required/i.test(e.message)) return { field: 'name', msg: { key: 'tokens.error.name_required' } };
    if (/at most/i.test(e.message)) return { field: 'name', msg: { key: 'tokens.error.name_too_long', params: { count: TOKEN_NAME_MAX } } };
    if (/control/i.test(e.message)) return { field: 'name', msg: { key: 'tokens.error.name_invalid' } };
    return { field: 'name', msg: { text: e.message } };
  }
  if (e.status === 400 && e.field === 'scope') return { field: 'scope', msg: { key: 'tokens.error.scope' } };
  if (e.status === 400 && e.field === 'expires_in_days') return { field: 'days', msg: { key: 'tokens.error.days' } };
  return { field: null, msg: requestError(e) };
}

function card(name, heading, extra, ...body) {
  const id = `acct-${name}`;
  return h('section', { class: `card account-card account-card--${name}`, 'aria-labelledby': id },
    h('div', { class: 'card__head' }, h('h2', { class: 'card__title', id, tabindex: '-1' }, heading), extra || null),
    ...body);
}

function tokenState(tok, now = Date.now()) {
  if (tok.revoked_at) return 'revoked';
  if (tok.expires_at && new Date(tok.expires_at).getTime() <= now) return 'expired';
  return 'active';
}

const TOKEN_STATE_PILL = { active: 'active', expired: 'inactive', revoked: 'closed' };

/* ---- the page ------------------------------------------------------------------------------ */

export class AccountView extends PartsView {
  constructor(ctx) {
    super(ctx);
    this.unit = null;           // the account's unit (for its name) when it could be read
    this.sessions = null;
    this.sessionsError = null;
    this.tokens = null;
    this.tokensError = null;
    this.pw = { show: false, busy: false, errors: {}, msg: null };
    this.sess = { busy: new Set(), msg: null };
    // secret: the token just created, { id, name, token }, kept only while this page is shown.
    this.tok = { busy: false, revoking: null, days: DEFAULT_DAYS, errors: {}, msg: null, secret: null, copy: null };
  }

  async load(signal) {
    const code = this.ctx.user.unit_code;
    await Promise.all([
      code ? api.unit(code, signal).then((u) => { this.unit = u; }, () => { this.unit = null; }) : null,
      this.loadSessions(signal),
      this.loadTokens(signal),
    ]);
    return true;
  }

  async loadSessions(signal) {
    try {
      const r = await api.sessions(signal);
      this.sessions = r.sessions || [];
      this.sessionsError = null;
    } catch (e) {
      this.sessionsError = e;
    }
  }

  async loadTokens(signal) {
    try {
      const r = await api.tokens(signal);
      this.tokens = r.tokens || [];
      this.tokensError = null;
    } catch (e) {
      this.tokensError = e;
    }
  }

  title() {
    return t('account.title');
  }

  drawers() {
    return { profile: this.drawProfile, password: this.drawPassword, sessions: this.drawSessions, tokens: this.drawTokens };
  }

  render(el) {
    this.renderParts(el,
      h('header', { class: 'page-head' },
        title(t('account.title')),
        h('p', { class: 'page-subtitle' }, t('account.intro'))));
  }

  /* ---- profile ---- */

  drawProfile() {
    const u = this.ctx.user;
    let unit = t('user.all_units');
    if (u.unit_code) {
      unit = h('span', { class: 'account-unit' },
        h('a', { href: unitHref(u.unit_code) }, this.unit ? this.unit.name : u.unit_code),
        this.unit ? ' ' : null,
        this.unit ? h('span', { class: 'code' }, u.unit_code) : null);
    }
    const facts = [
      ['account.username', u.username],
      ['account.display_name', u.display_name || u.username],
      ['account.role', word('role', u.role)],
      ['account.unit', unit, 'facts__wide'],
    ];
    return card('profile', t('account.profile'), null,
      h('dl', { class: 'facts' }, facts.map(([k, v, cls]) => h('div', { class: cls }, h('dt', null, t(k)), h('dd', null, v)))));
  }

  /* ---- password ---- */

  drawPassword() {
    const s = this.pw;
    const type = s.show ? 'text' : 'password';
    const pwField = (id, key, labelKey, autocomplete, hint) => field({
      id,
      label: t(labelKey),
      hint,
      error: s.errors[key],
      input: {
        type,
        name: id.replace(/^acct-pw-/, 'password-'),
        autocomplete,
        autocapitalize: 'none',
        spellcheck: 'false',
        required: true,
        oninput: () => this.clearError(s, key, 'password', id),
      },
    });
    return card('password', t('pw.heading'), null,
      h('p', { class: 'card__intro' }, t('pw.intro')),
      this.message(s.msg),
      h('form', {
        class: 'form account-form', id: 'acct-pw-form', novalidate: true,
        'aria-labelledby': 'acct-password', 'aria-busy': s.busy ? 'true' : 'false',
        onsubmit: (e) => this.onPassword(e),
      },
      // For password managers: the account whose password this is.
      h('input', {
        type: 'text', id: 'acct-pw-username', name: 'username', autocomplete: 'username',
        value: this.ctx.user.username, readonly: true, hidden: true, tabindex: '-1',
      }),
      pwField('acct-pw-current', 'current', 'pw.current', 'current-password'),
      pwField('acct-pw-new', 'new', 'pw.new', 'new-password', t('pw.hint')),
      pwField('acct-pw-repeat', 'repeat', 'pw.repeat', 'new-password'),
      h('div', { class: 'field field--check' },
        h('input', { id: 'acct-pw-show', type: 'checkbox', checked: s.show, onchange: (e) => this.showPasswords(e.target.checked) }),
        h('label', { for: 'acct-pw-show' }, t('pw.show'))),
      h('div', { class: 'form__actions' },
        h('button', {
          type: 'submit', class: 'button button--primary', id: 'acct-pw-submit',
          'aria-disabled': s.busy ? 'true' : null,
        }, t(s.busy ? 'pw.submitting' : 'pw.submit')))));
  }

  showPasswords(on) {
    this.pw.show = on;
    for (const id of ['acct-pw-current', 'acct-pw-new', 'acct-pw-repeat']) {
      const input = this.find('password', id);
      if (input) input.type = on ? 'text' : 'password';
    }
  }

  async onPassword(e) {
    e.preventDefault();
    const s = this.pw;
    if (s.busy) return;
    const value = (id) => (this.find('password', id) || { value: '' }).value;
    const current = value('acct-pw-current');
    const next = value('acct-pw-new');
    const repeat = value('acct-pw-repeat');
    const errors = {};
    const clear = [];
    if (!current) errors.current = { key: 'pw.error.current_required' };
    if (!next) errors.new = { key: 'pw.error.new_required' };
    else if (current && next === current) errors.new = { key: 'pw.error.same' };
    if (!repeat) {
      errors.repeat = { key: 'pw.error.repeat_required' };
    } else if (next && repeat !== next) {
      errors.repeat = { key: 'pw.error.mismatch' };
      clear.push('acct-pw-repeat');
    }
    s.msg = null;
    s.errors = errors;
    if (Object.keys(errors).length) {
      this.redraw('password', clear);
      this.focusPasswordError();
      return;
    }
    s.busy = true;
    setBusy(this.find('password', 'acct-pw-submit'), true, 'pw.submitting');
    this.find('password', 'acct-pw-form').setAttribute('aria-busy', 'true');
    try {
      await api.changePassword(this.ctx.user.username, next, current);
    } catch (err) {
      s.busy = false;
      if (err.status === 401) return; // the app goes back to the sign-in page
      const { field: f, msg } = passwordError(err);
      if (f) s.errors = { [f]: msg };
      else s.msg = msg;
      const wipe = f === 'current' ? ['acct-pw-current'] : f === 'new' ? ['acct-pw-new', 'acct-pw-repeat'] : [];
      if (!this.redraw('password', wipe)) return;
      if (f) this.focusPasswordError();
      else this.say(msg);
      return;
    }
    s.busy = false;
    s.show = false;
    s.msg = { key: 'pw.done', kind: 'success' };
    if (!this.redraw('password', ['acct-pw-current', 'acct-pw-new', 'acct-pw-repeat', 'acct-pw-show'])) return;
    this.say(s.msg);
    // The account's other sessions have just ended.
    await this.loadSessions();
    this.redraw('sessions');
  }

  focusPasswordError() {
    const ids = { current: 'acct-pw-current', new: 'acct-pw-new', repeat: 'acct-pw-repeat' };
    const first = Object.keys(ids).find((k) => this.pw.errors[k]);
    if (first) this.focus('password', ids[first]);
  }

  /* ---- sessions (signed-in devices) ---- */

  drawSessions() {
    const list = this.sessions;
    const count = list && !this.sessionsError
      ? h('span', { class: 'card__count' }, t('sessions.count', { count: list.length }))
      : null;
    return card('sessions', t('sessions.heading'), count,
      h('p', { class: 'card__intro' }, t('sessions.intro')),
      this.message(this.sess.msg),
      this.sessionsError
        ? this.loadError('sessions.error', () => this.reloadSessions())
        : h('ul', { class: 'devices' }, (list || []).map((s) => this.drawSession(s))));
  }

  drawSession(s) {
    const dev = guessDevice(s.user_agent);
    const nameId = `acct-session-${s.id}`;
    const busy = this.sess.busy.has(s.id);
    const meta = [
      ['sessions.client', s.client ? h('span', { class: 'code' }, s.client) : t('common.unknown')],
      ['sessions.last_seen', time(s.last_seen_at, formatAgo(s.last_seen_at))],
      ['sessions.created', time(s.created_at)],
      ['sessions.expires', time(s.idle_expires_at || s.expires_at)],
    ];
    return h('li', { class: `device${s.current ? ' device--current' : ''}`, dataset: { session: String(s.id) } },
      h('span', { class: `device__icon device__icon--${dev.kind}`, 'aria-hidden': 'true' }),
      h('div', { class: 'device__main' },
        h('p', { class: 'device__name' },
          h('span', { id: nameId }, deviceName(s.user_agent)),
          s.current ? ' ' : null,
          s.current ? h('span', { class: 'badge badge--current' }, t('sessions.this_device')) : null),
        h('dl', { class: 'device__meta' },
          meta.map(([k, v]) => h('div', null, h('dt', null, t(k)), h('dd', null, v))))),
      s.current ? null : h('div', { class: 'device__actions' },
        h('button', {
          type: 'button', class: 'button button--secondary button--small',
          'aria-describedby': nameId, 'aria-disabled': busy ? 'true' : null,
          onclick: (e) => this.onEndSession(s, e.currentTarget),
        }, t(busy ? 'sessions.ending' : 'sessions.end'))));
  }

  async reloadSessions() {
    await this.loadSessions();
    if (this.redraw('sessions')) this.focus('sessions', 'acct-sessions');
  }

  async onEndSession(s, button) {
    if (this.sess.busy.has(s.id)) return;
    this.sess.busy.add(s.id);
    setBusy(button, true, 'sessions.ending');
    let msg;
    try {
      await api.endSession(s.id);
      msg = { key: 'sessions.ended', params: () => ({ device: deviceName(s.user_agent) }), kind: 'success' };
    } catch (e) {
      if (e.status === 401) return;
      msg = e.status === 404 ? { key: 'sessions.gone', kind: 'info' } : { ...requestError(e), kind: 'error' };
    } finally {
      this.sess.busy.delete(s.id);
    }
    this.sess.msg = msg;
    await this.loadSessions();
    if (!this.redraw('sessions')) return;
    this.focus('sessions', 'acct-sessions');
    this.say(msg);
  }

  /* ---- API tokens ---- */

  drawTokens() {
    const s = this.tok;
    const list = this.tokens;
    const count = list && !this.tokensError
      ? h('span', { class: 'card__count' }, t('tokens.count', { count: list.length }))
      : null;
    return card('tokens', t('tokens.heading'), count,
      h('p', { class: 'card__intro' }, t('tokens.intro')),
      s.secret ? this.drawSecret() : null,
      this.message(s.msg),
      this.tokensError ? this.loadError('tokens.error', () => this.reloadTokens()) : this.drawTokenList(),
      this.drawTokenForm());
  }

  drawSecret() {
    const s = this.tok;
    return h('div', { class: 'secret', role: 'group', 'aria-labelledby': 'acct-secret-title' },
      h('h3', { class: 'secret__title', id: 'acct-secret-title' }, t('tokens.new_heading', { name: s.secret.name })),
      h('p', { class: 'secret__warning', id: 'acct-secret-warning' }, t('tokens.secret_warning')),
      h('div', { class: 'field' },
        h('label', { for: 'acct-secret' }, t('tokens.secret_label')),
        h('div', { class: 'secret__row' },
          h('input', {
            id: 'acct-secret', class: 'secret__value', type: 'text', readonly: true, value: s.secret.token,
            autocomplete: 'off', autocapitalize: 'none', spellcheck: 'false',
            'aria-describedby': 'acct-secret-warning', onfocus: (e) => e.target.select(),
          }),
          h('button', { type: 'button', class: 'button button--primary', id: 'acct-secret-copy', onclick: () => this.copySecret() },
            t('tokens.copy')))),
      h('p', { class: `secret__status${s.copy === 'failed' ? ' secret__status--error' : ''}`, id: 'acct-secret-status', hidden: !s.copy },
        s.copy ? t(s.copy === 'ok' ? 'tokens.copied' : 'tokens.copy_failed') : null),
      h('div', { class: 'secret__foot' },
        h('button', { type: 'button', class: 'button button--secondary', id: 'acct-secret-done', onclick: () => this.dismissSecret() },
          t('tokens.dismiss'))));
  }

  async copySecret() {
    const s = this.tok;
    const input = this.find('tokens', 'acct-secret');
    if (!s.secret || !input) return;
    let ok = false;
    try {
      if (navigator.clipboard && window.isSecureContext) {
        await navigator.clipboard.writeText(s.secret.token);
        ok = true;
      }
    } catch {
      ok = false;
    }
    if (!ok) {
      // Plain http to a named server: no clipboard API. Select the text and try the old way.
      input.focus();
      input.select();
      try {
        ok = document.execCommand('copy');
      } catch {
        ok = false;
      }
    }
    s.copy = ok ? 'ok' : 'failed';
    const status = this.find('tokens', 'acct-secret-status');
    if (status) {
      status.hidden = false;
      status.className = `secret__status${ok ? '' : ' secret__status--error'}`;
      status.textContent = t(ok ? 'tokens.copied' : 'tokens.copy_failed');
    }
    this.say({ key: ok ? 'tokens.copied' : 'tokens.copy_failed' });
  }

  dismissSecret() {
    this.tok.secret = null;
    this.tok.copy = null;
    if (this.redraw('tokens')) this.focus('tokens', 'acct-tokens');
  }

  drawTokenList() {
    const list = this.tokens || [];
    const head = h('h3', { class: 'account-subtitle', id: 'acct-tokens-list' }, t('tokens.list'));
    if (!list.length) return h('div', { class: 'token-list' }, head, h('p', { class: 'card__empty' }, t('tokens.none')));
    const now = Date.now();
    // Newest first (the API lists the oldest first; the sort keeps that order reversed on ties).
    const sorted = [...list].reverse().sort((a, b) => String(b.created_at).localeCompare(String(a.created_at)));
    const rows = sorted.map((tok) => {
      const state = tokenState(tok, now);
      const nameId = `acct-token-${tok.id}`;
      const busy = this.tok.revoking === tok.id;
      return h('tr', { class: `token-row token-row--${state}`, dataset: { token: tok.id } },
        h('th', { scope: 'row', class: 'cell-main' },
          h('span', { class: 'token-name', id: nameId }, tok.name),
          h('span', { class: 'token-id code' }, `edx_${tok.id}_…`)),
        h('td', { 'data-label': t('col.scope') }, h('span', { class: `badge badge--${tok.scope}` }, word('scope', tok.scope))),
        h('td', { 'data-label': t('col.created'), class: 'cell-nowrap' }, time(tok.created_at, formatDay(tok.created_at, 'short'))),
        h('td', { 'data-label': t('col.expires'), class: 'cell-nowrap' }, time(tok.expires_at, formatDay(tok.expires_at, 'short'))),
        h('td', { 'data-label': t('col.status') },
          h('span', { class: `status status--${TOKEN_STATE_PILL[state]}` }, t(`tokens.state.${state}`)),
          state === 'revoked' ? h('span', { class: 'token-when' }, time(tok.revoked_at, formatDay(tok.revoked_at, 'short'))) : null),
        h('td', { class: 'cell-actions' },
          state === 'active'
            ? h('button', {
              type: 'button', class: 'button button--danger button--small',
              'aria-describedby': nameId, 'aria-disabled': busy ? 'true' : null,
              onclick: (e) => this.onRevoke(tok, e.currentTarget),
            }, t(busy ? 'tokens.revoking' : 'tokens.revoke'))
            : null));
    });
    return h('div', { class: 'token-list' }, head,
      h('div', { class: 'table-wrap' },
        h('table', { class: 'data-table token-table', 'aria-labelledby': 'acct-tokens-list' },
          h('thead', null, h('tr', null,
            [t('col.token_name'), t('col.scope'), t('col.created'), t('col.expires'), t('col.status')]
              .map((c) => h('th', { scope: 'col' }, c)),
            h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, t('col.actions'))))),
          h('tbody', null, rows))));
  }

  drawTokenForm() {
    const s = this.tok;
    const scopes = ['read', 'write'];
    const until = new Date(Date.now() + s.days * 86400000);
    return h('form', {
      class: 'form subpanel account-form', id: 'acct-tk-form', novalidate: true,
      'aria-labelledby': 'acct-tk-title', 'aria-busy': s.busy ? 'true' : 'false',
      onsubmit: (e) => this.onCreateToken(e),
    },
    h('h3', { class: 'account-subtitle', id: 'acct-tk-title' }, t('tokens.create')),
    field({
      id: 'acct-tk-name',
      label: t('tokens.name'),
      hint: t('tokens.name_hint'),
      error: s.errors.name,
      input: {
        type: 'text', name: 'token-name', autocomplete: 'off', spellcheck: 'false', maxlength: TOKEN_NAME_MAX, required: true,
        oninput: () => this.clearError(s, 'name', 'tokens', 'acct-tk-name'),
      },
    }),
    h('fieldset', { class: 'field choice', 'aria-describedby': 'acct-tk-scope-error' },
      h('legend', null, t('tokens.access')),
      h('div', { class: 'choice__items' },
        scopes.map((sc) => h('div', { class: 'choice__item' },
          h('label', { class: 'choice__label', for: `acct-tk-scope-${sc}` },
            h('input', {
              type: 'radio', name: 'acct-tk-scope', id: `acct-tk-scope-${sc}`, value: sc, checked: sc === 'read',
              'aria-describedby': `acct-tk-scope-${sc}-hint`,
              onchange: () => this.clearError(s, 'scope', 'tokens', 'acct-tk-scope'),
            }),
            h('span', null, word('scope', sc))),
          h('p', { class: 'field__hint choice__hint', id: `acct-tk-scope-${sc}-hint` }, t(`tokens.scope_hint.${sc}`))))),
      h('p', { class: 'field__error', id: 'acct-tk-scope-error', hidden: !s.errors.scope }, msgText(s.errors.scope))),
    field({
      id: 'acct-tk-days',
      control: 'select',
      label: t('tokens.valid_for'),
      hint: t('tokens.expires_on', { date: formatDay(until) }),
      hintBelow: true,
      error: s.errors.days,
      input: {
        name: 'token-days',
        onchange: (e) => this.onDays(e.target),
      },
      children: TOKEN_DAYS.map((d) => h('option', { value: d, selected: d === s.days }, t('tokens.days', { count: d }))),
    }),
    h('div', { class: 'form__actions' },
      h('button', {
        type: 'submit', class: 'button button--primary', id: 'acct-tk-submit',
        'aria-disabled': s.busy ? 'true' : null,
      }, t(s.busy ? 'tokens.submitting' : 'tokens.submit'))));
  }

  onDays(select) {
    this.tok.days = Number(select.value) || DEFAULT_DAYS;
    this.clearError(this.tok, 'days', 'tokens', 'acct-tk-days');
    const hint = this.find('tokens', 'acct-tk-days-hint');
    if (hint) hint.textContent = t('tokens.expires_on', { date: formatDay(new Date(Date.now() + this.tok.days * 86400000)) });
  }

  async reloadTokens() {
    await this.loadTokens();
    if (this.redraw('tokens')) this.focus('tokens', 'acct-tokens');
  }

  async onCreateToken(e) {
    e.preventDefault();
    const s = this.tok;
    if (s.busy) return;
    const name = (this.find('tokens', 'acct-tk-name') || { value: '' }).value.trim();
    const checked = this.parts.tokens.querySelector('input[name="acct-tk-scope"]:checked');
    const scope = checked ? checked.value : 'read';
    const days = Number((this.find('tokens', 'acct-tk-days') || { value: '' }).value) || DEFAULT_DAYS;
    s.msg = null;
    s.errors = {};
    if (!name) {
      s.errors.name = { key: 'tokens.error.name_required' };
      if (this.redraw('tokens')) this.focus('tokens', 'acct-tk-name');
      return;
    }
    s.busy = true;
    setBusy(this.find('tokens', 'acct-tk-submit'), true, 'tokens.submitting');
    this.find('tokens', 'acct-tk-form').setAttribute('aria-busy', 'true');
    let created;
    try {
      created = await api.createToken(name, scope, days);
    } catch (err) {
      s.busy = false;
      if (err.status === 401) return;
      const { field: f, msg } = tokenError(err);
      if (f) s.errors[f] = msg;
      else s.msg = msg;
      if (!this.redraw('tokens')) return;
      if (f) this.focus('tokens', { name: 'acct-tk-name', scope: 'acct-tk-scope-read', days: 'acct-tk-days' }[f]);
      else this.say(msg);
      return;
    }
    s.busy = false;
    s.secret = { id: created.id, name: created.name, token: created.token };
    s.copy = null;
    s.days = DEFAULT_DAYS;
    await this.loadTokens();
    if (!this.redraw('tokens', ['acct-tk-name', 'acct-tk-scope-read', 'acct-tk-scope-write', 'acct-tk-days'])) return;
    this.say({ key: 'tokens.created', params: { name: created.name } });
    // The focus goes to the secret, selected, ready to be copied.
    this.focus('tokens', 'acct-secret');
  }

  async onRevoke(tok, button) {
    if (this.tok.revoking) return;
    if (!(await this.confirm({
      heading: t('tokens.revoke_title', { name: tok.name }),
      text: t('tokens.revoke_text'),
      action: t('tokens.revoke_confirm'),
    }, button))) return;
    this.tok.revoking = tok.id;
    setBusy(button, true, 'tokens.revoking');
    let msg;
    try {
      await api.revokeToken(tok.id);
      msg = { key: 'tokens.revoked', params: { name: tok.name }, kind: 'success' };
    } catch (e) {
      if (e.status === 401) return;
      msg = e.status === 404 ? { key: 'tokens.gone', kind: 'info' } : { ...requestError(e), kind: 'error' };
    } finally {
      this.tok.revoking = null;
    }
    if (this.tok.secret && this.tok.secret.id === tok.id) {
      this.tok.secret = null;
      this.tok.copy = null;
    }
    this.tok.msg = msg;
    await this.loadTokens();
    if (!this.redraw('tokens')) return;
    this.focus('tokens', 'acct-tokens');
    this.say(msg);
  }
}
