// The "Digital credentials" section of the signed-in app, for ministry and unit admins:
//   #/credentials?issuer=&type=&status=&q=&offset=   the register, with filters
//   #/credentials/issue?issuer=                        issue a batch from a CSV file
//   #/credentials/{id}                                 one credential: PDF, JSON, status changes
//   #/units/{code}/keys                                a unit's signing keys
//   #/trust                                            the Ministry's registry of accredited issuers
// Each view keeps its data and what was typed, so it can be drawn again after a change of language.

import { api, links, loadFor } from './api.js';
import { h, unitHref } from './dom.js';
import { t, word, formatDay } from './i18n.js';
import { checkList, verdictBanner, verdictOf } from './report.js';
import { PartsView, download, dropZone, field, message, msgText, requestError, setBusy, time } from './ui.js';
import { MessageView, title } from './views.js';

export const CRED_TYPES = ['diploma', 'degree', 'transcript', 'skills', 'award'];
const STATUSES = ['active', 'suspended', 'revoked'];
const STATUS_PILL = { active: 'active', suspended: 'inactive', revoked: 'revoked' };
const PAGE = 50;
const MAX_CSV_MB = 20;

export function credHref(id) {
  return `#/credentials/${encodeURIComponent(id)}`;
}

export function listHref(query = {}) {
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null && v !== '' && v !== 0) qs.set(k, String(v));
  const s = qs.toString();
  return `#/credentials${s ? `?${s}` : ''}`;
}

function credStatus(status) {
  return h('span', { class: `status status--${STATUS_PILL[status] || 'closed'}` }, word('cstatus', status));
}

function day(iso) {
  return iso ? time(iso, formatDay(iso)) : t('common.none');
}

function pageHead(heading, subtitle, actions, crumbs) {
  return h('header', { class: 'page-head' },
    crumbs ? h('nav', { class: 'breadcrumb', 'aria-label': t('cred.breadcrumb') }, h('ol', null, crumbs)) : null,
    title(heading),
    subtitle ? h('p', { class: 'page-subtitle' }, subtitle) : null,
    actions && actions.length ? h('div', { class: 'page-actions' }, actions) : null);
}

function crumb(href, text) {
  return h('li', null, href ? h('a', { href }, text) : h('span', { 'aria-current': 'page' }, text));
}

function card(id, heading, extra, ...body) {
  return h('section', { class: 'card', 'aria-labelledby': id },
    h('div', { class: 'card__head' }, h('h2', { class: 'card__title', id, tabindex: '-1' }, heading), extra || null),
    ...body);
}

function failureView(e, notFound, code) {
  if (e && e.status === 403) return new MessageView(null, 'unit.forbidden_title', code ? 'unit.forbidden' : 'cred.forbidden', { code });
  if (e && e.status === 404) return new MessageView(null, notFound[0], notFound[1], { code });
  if (e && e.status === 0) return new MessageView(null, 'cred.error_title', 'error.network');
  if (e && e.status) return new MessageView(null, 'cred.error_title', 'error.server', { status: e.status });
  return new MessageView(null, 'cred.error_title', 'error.generic');
}

/**
 * A text input for a unit code that suggests units by code or name as one types
 * (a native <datalist>); `onPick(code)` is called when the value settles.
 */
function unitInput({ id, value, describedBy, invalid, readonly = false, onPick, onInput }) {
  const list = h('datalist', { id: `${id}-list` });
  let timer = null;
  let seq = 0;
  const input = h('input', {
    id, type: 'text', value: value || '', list: `${id}-list`, autocomplete: 'off', autocapitalize: 'characters',
    spellcheck: 'false', 'aria-describedby': describedBy, 'aria-invalid': invalid ? 'true' : 'false', readonly,
  });
  input.addEventListener('input', () => {
    if (onInput) onInput(input.value);
    clearTimeout(timer);
    const q = input.value.trim();
    if (q.length < 2) return;
    timer = setTimeout(async () => {
      const mine = ++seq;
      try {
        const page = await api.units({ q, limit: 15 });
        if (mine !== seq) return;
        list.replaceChildren(...(page.units || []).map((u) => h('option', { value: u.code, label: u.name })));
      } catch { /* suggestions only */ }
    }, 200);
  });
  input.addEventListener('change', () => onPick && onPick(input.value.trim()));
  return [input, list];
}

/* ==== the register ======================================================================= */

let focusAfterRender = null; // an element id to focus once the next page is drawn

export class CredListView {
  constructor(ctx, query) {
    this.ctx = ctx;
    this.query = {
      issuer: query.get('issuer') || '',
      type: CRED_TYPES.includes(query.get('type')) ? query.get('type') : '',
      status: STATUSES.includes(query.get('status')) ? query.get('status') : '',
      q: query.get('q') || '',
      offset: Math.max(0, Number(query.get('offset')) || 0),
    };
    this.items = null;
    this.more = false;
    this.error = null;
    this.el = null;
  }

  filtered() {
    const q = this.query;
    return Boolean(q.issuer || q.type || q.status || q.q);
  }

  async load(signal) {
    const q = this.query;
    try {
      const r = await api.credentials({
        issuer: q.issuer || undefined, type: q.type || undefined, status: q.status || undefined,
        q: q.q || undefined, limit: PAGE + 1, offset: q.offset || undefined,
      }, signal);
      const items = r.items || [];
      this.more = items.length > PAGE;
      this.items = items.slice(0, PAGE);
    } catch (e) {
      if (e.name === 'AbortError') throw e;
      if (e.status === 403 && !q.issuer) {
        this.error = e;
        return false;
      }
      this.listError = e;
    }
    return true;
  }

  failure() {
    return failureView(this.error, ['cred.notfound_title', 'cred.notfound']);
  }

  title() {
    return t('cred.title');
  }

  render(el) {
    this.el = el;
    const q = this.query;
    el.replaceChildren(
      pageHead(t('cred.title'), t('cred.intro'), [
        h('a', { class: 'button button--primary', href: `#/credentials/issue${q.issuer ? `?issuer=${encodeURIComponent(q.issuer)}` : ''}`, id: 'cred-issue-link' }, t('cred.issue_batch')),
        h('a', { class: 'button button--secondary', href: '#/trust' }, t('nav.trust')),
      ]),
      this.drawFilters(),
      this.drawList());
    if (focusAfterRender) {
      const target = el.querySelector(`#${focusAfterRender}`);
      focusAfterRender = null;
      if (target) target.focus();
    }
  }

  drawFilters() {
    const q = this.query;
    const option = (value, label, current) => h('option', { value, selected: value === current }, label);
    return h('section', { class: 'card', 'aria-labelledby': 'cred-filters-title' },
      h('div', { class: 'card__head' }, h('h2', { class: 'card__title', id: 'cred-filters-title' }, t('cred.filters'))),
      h('form', { class: 'filters', role: 'search', 'aria-labelledby': 'cred-filters-title', novalidate: true, onsubmit: (e) => this.onFilter(e) },
        h('div', { class: 'field' },
          h('label', { for: 'cf-issuer' }, t('cred.filter.issuer')),
          unitInput({ id: 'cf-issuer', value: q.issuer, describedBy: 'cf-issuer-hint' }),
          h('p', { class: 'field__hint', id: 'cf-issuer-hint' }, t('cred.filter.issuer_hint'))),
        h('div', { class: 'field' },
          h('label', { for: 'cf-type' }, t('cred.filter.type')),
          h('select', { id: 'cf-type' }, option('', t('cred.filter.all'), q.type), CRED_TYPES.map((ty) => option(ty, word('ctype', ty), q.type)))),
        h('div', { class: 'field' },
          h('label', { for: 'cf-status' }, t('cred.filter.status')),
          h('select', { id: 'cf-status' }, option('', t('cred.filter.all'), q.status), STATUSES.map((s) => option(s, word('cstatus', s), q.status)))),
        h('div', { class: 'field' },
          h('label', { for: 'cf-q' }, t('cred.filter.q')),
          h('input', { id: 'cf-q', type: 'search', value: q.q, autocomplete: 'off', spellcheck: 'false', 'aria-describedby': 'cf-q-hint' }),
          h('p', { class: 'field__hint', id: 'cf-q-hint' }, t('cred.filter.q_hint'))),
        h('div', { class: 'filters__actions' },
          h('button', { type: 'submit', class: 'button button--primary', id: 'cf-apply' }, t('cred.filter.apply')),
          this.filtered() ? h('a', { class: 'button button--secondary', href: '#/credentials' }, t('cred.filter.clear')) : null)));
  }

  onFilter(e) {
    e.preventDefault();
    const val = (id) => (this.el.querySelector(`#${id}`) || { value: '' }).value.trim();
    const next = listHref({ issuer: val('cf-issuer'), type: val('cf-type'), status: val('cf-status'), q: val('cf-q') });
    focusAfterRender = 'cred-list-title';
    if (location.hash === next) window.dispatchEvent(new HashChangeEvent('hashchange'));
    else location.hash = next;
  }

  drawList() {
    const q = this.query;
    if (this.listError) {
      const e = this.listError;
      const text = (e.status === 404 || e.status === 403) && q.issuer ? t('cred.unit_unknown', { code: q.issuer }) : msgText(requestError(e));
      return card('cred-list-title', t('cred.list'), null, h('p', { class: 'alert', role: 'alert' }, text));
    }
    const items = this.items || [];
    const count = h('span', { class: 'card__count', id: 'cred-count' }, t('cred.count', { count: items.length }));
    if (!items.length) {
      return card('cred-list-title', t('cred.list'), count,
        h('p', { class: 'card__empty' }, t(this.filtered() || q.offset ? 'cred.none' : 'cred.none_yet')));
    }
    const rows = items.map((c) => h('tr', { dataset: { id: c.id } },
      h('th', { scope: 'row', class: 'cell-main' },
        h('a', { class: 'cell-link', href: credHref(c.id) }, c.subjectName || c.externalId),
        h('span', { class: 'cell-sub' }, h('span', { class: 'code' }, c.externalId))),
      h('td', { 'data-label': t('col.ctype') }, word('ctype', c.type)),
      h('td', { 'data-label': t('col.issuer') }, h('a', { href: unitHref(c.issuer) }, c.issuerName || c.issuer)),
      h('td', { 'data-label': t('col.issued'), class: 'cell-nowrap' }, day(c.issuedAt)),
      h('td', { 'data-label': t('col.cstatus') }, credStatus(c.status))));
    const pageNo = Math.floor(q.offset / PAGE) + 1;
    const pager = (q.offset > 0 || this.more)
      ? h('nav', { class: 'pager', 'aria-label': t('cred.pages') },
        q.offset > 0 ? h('a', { class: 'button button--secondary', href: listHref({ ...q, offset: Math.max(0, q.offset - PAGE) }), rel: 'prev' }, t('cred.prev')) : null,
        h('span', { class: 'pager__page' }, t('cred.page', { n: pageNo })),
        this.more ? h('a', { class: 'button button--secondary', href: listHref({ ...q, offset: q.offset + PAGE }), rel: 'next' }, t('cred.next')) : null)
      : null;
    return card('cred-list-title', t('cred.list'), count,
      h('div', { class: 'table-wrap' },
        h('table', { class: 'data-table cred-table', 'aria-labelledby': 'cred-list-title' },
          h('thead', null, h('tr', null,
            [t('col.holder'), t('col.ctype'), t('col.issuer'), t('col.issued'), t('col.cstatus')].map((c) => h('th', { scope: 'col' }, c)))),
          h('tbody', null, rows))),
      pager);
  }
}

/* ==== batch issuance ===================================================================== */

function fingerprint(s) {
  const f = s.file;
  return [s.issuer, s.type, f ? f.name : '', f ? f.size : '', f ? f.lastModified : ''].join('|');
}

export class IssueView extends PartsView {
  constructor(ctx, query) {
    super(ctx);
    const type = query.get('type');
    this.s = {
      issuer: query.get('issuer') || ctx.user.unit_code || '',
      unit: null,            // { code, name } once the issuer is found
      unitError: null,       // a message when it is not
      type: CRED_TYPES.includes(type) ? type : 'diploma',
      file: null,
      errors: {},
      busy: null,            // null | 'dry' | 'issue'
      dry: null,             // { report, key }: the last dry run and what it was run on
      result: null,          // the report of the issue
      msg: null,
      skip: false,
    };
    this.schemas = new Map(); // type → schema, or an Error
  }

  async load(signal) {
    await Promise.all([this.loadSchema(this.s.type, signal), this.resolveIssuer(this.s.issuer, signal)]);
    return true;
  }

  async loadSchema(type, signal) {
    if (this.schemas.has(type) && !(this.schemas.get(type) instanceof Error)) return;
    try {
      this.schemas.set(type, await api.schema(type, signal));
    } catch (e) {
      if (e.name === 'AbortError') throw e;
      this.schemas.set(type, e);
    }
  }

  async resolveIssuer(code, signal) {
    const s = this.s;
    s.unit = null;
    s.unitError = null;
    if (!code) return;
    try {
      const u = await api.unit(code, signal);
      if (s.issuer === code) s.unit = { code: u.code, name: u.name };
    } catch (e) {
      if (e.name === 'AbortError') throw e;
      if (s.issuer !== code) return;
      s.unitError = e.status === 404 || e.status === 403
        ? { key: 'cred.unit_unknown', params: { code } }
        : requestError(e);
    }
  }

  title() {
    return t('issue.title');
  }

  drawers() {
    return { setup: this.drawSetup, file: this.drawFile, run: this.drawRun };
  }

  render(el) {
    this.renderParts(el, pageHead(t('issue.title'), t('issue.intro'), null,
      [crumb('#/credentials', t('cred.title')), crumb(null, t('issue.title'))]));
  }

  drawSetup() {
    const s = this.s;
    const issuerError = s.errors.issuer || s.unitError;
    const found = s.unit ? h('p', { class: 'field__found', id: 'is-issuer-found' },
      h('span', { class: 'icon icon--pass', 'aria-hidden': 'true' }), s.unit.name) : null;
    return card('is-setup', t('issue.step1'), null,
      h('div', { class: 'form form--narrow' },
        h('div', { class: 'field' },
          h('label', { for: 'is-issuer' }, t('issue.issuer')),
          h('p', { class: 'field__hint', id: 'is-issuer-hint' }, t('issue.issuer_hint')),
          unitInput({
            id: 'is-issuer', value: s.issuer, invalid: Boolean(issuerError),
            describedBy: ['is-issuer-hint', s.unit ? 'is-issuer-found' : null, 'is-issuer-error'].filter(Boolean).join(' '),
            onInput: (v) => this.onIssuerTyped(v),
            onPick: (code) => this.onIssuer(code),
          }),
          found,
          h('p', { class: 'field__error', id: 'is-issuer-error', hidden: !issuerError }, msgText(issuerError))),
        field({
          id: 'is-type', control: 'select', label: t('issue.type'),
          input: { onchange: (e) => this.onType(e.target.value) },
          children: CRED_TYPES.map((ty) => h('option', { value: ty, selected: ty === s.type }, word('ctype', ty))),
        })),
      this.drawColumns());
  }

  drawColumns() {
    const schema = this.schemas.get(this.s.type);
    if (!schema) return null;
    if (schema instanceof Error) return h('p', { class: 'alert' }, t('issue.columns_error'));
    const required = new Set(schema.required || []);
    const props = Object.entries(schema.properties || {});
    return h('div', { class: 'subpanel columns' },
      h('h3', { class: 'account-subtitle', id: 'is-columns-title' }, t('issue.columns')),
      h('p', { class: 'field__hint' }, t('issue.columns_intro')),
      h('ul', { class: 'columns__list', 'aria-labelledby': 'is-columns-title' }, props.map(([name, p]) =>
        h('li', { class: 'columns__item' },
          h('span', { class: 'code' }, name),
          h('span', { class: 'columns__title' }, p.title || ''),
          h('span', { class: `columns__need${required.has(name) ? ' columns__need--required' : ''}` },
            t(required.has(name) ? 'issue.required' : 'issue.optional'))))),
      h('p', null, h('button', {
        type: 'button', class: 'button button--secondary button--small', id: 'is-template',
        onclick: () => download(`${this.s.type}-template.csv`, `${props.map(([n]) => n).join(',')}\r\n`, 'text/csv'),
      }, t('issue.template'))));
  }

  drawFile() {
    const s = this.s;
    return card('is-file', t('issue.step2'), null,
      dropZone({
        id: 'is-csv',
        accept: '.csv,text/csv',
        text: t('issue.drop'),
        button: t('issue.choose'),
        fileName: s.file ? s.file.name : null,
        onFile: (f) => this.onFile(f),
      }),
      h('p', { class: 'field__error', id: 'is-csv-error', hidden: !s.errors.file, role: s.errors.file ? 'alert' : null }, msgText(s.errors.file)));
  }

  stale() {
    const d = this.s.dry;
    return !d || d.key !== fingerprint(this.s);
  }

  drawRun() {
    const s = this.s;
    const busy = s.busy;
    const parts = [this.message(s.msg)];
    if (s.result) {
      parts.push(this.drawResult());
    } else {
      parts.push(h('div', { class: 'form__actions' },
        h('button', {
          type: 'button', class: `button ${s.dry && !this.stale() ? 'button--secondary' : 'button--primary'}`, id: 'is-dry',
          'aria-disabled': busy ? 'true' : null, onclick: () => this.onDry(),
        }, t(busy === 'dry' ? 'issue.checking' : 'issue.dry_run'))));
      if (s.dry && !this.stale()) parts.push(this.drawDry());
    }
    return card('is-run', t('issue.step3'), null, ...parts);
  }

  // Rows that will be issued by the next "issue" (none when errors block it).
  toIssue() {
    const r = this.s.dry.report;
    if (r.invalid && !this.s.skip) return 0;
    return Math.max(0, r.records - r.invalid - r.existing);
  }

  drawDry() {
    const s = this.s;
    const r = s.dry.report;
    const n = this.toIssue();
    const ok = !r.invalid;
    return h('div', { class: 'batch-report', role: 'group', 'aria-labelledby': 'is-report-title' },
      h('h3', { class: 'account-subtitle', id: 'is-report-title', tabindex: '-1' }, t('issue.report')),
      h('p', { class: ok ? 'notice notice--success' : 'alert alert--warning', id: 'is-report-summary' },
        t(ok ? 'issue.dry_ok' : 'issue.dry_bad', { count: ok ? r.records : r.invalid })),
      this.stats([['issue.stat.records', r.records], ['issue.stat.valid', r.records - r.invalid - r.existing],
        ['issue.stat.existing', r.existing], ['issue.stat.invalid', r.invalid]]),
      r.errors && r.errors.length ? this.errorTable(r.errors) : null,
      r.invalid ? h('div', { class: 'field field--check' },
        h('input', { id: 'is-skip', type: 'checkbox', checked: s.skip, onchange: (e) => { s.skip = e.target.checked; this.redraw('run'); this.focus('run', 'is-skip'); } }),
        h('label', { for: 'is-skip' }, t('issue.skip_invalid'))) : null,
      r.records - r.invalid - r.existing <= 0 ? h('p', { class: 'notice' }, t('issue.nothing_new')) : null,
      n > 0 ? h('div', { class: 'form__actions' },
        h('button', {
          type: 'button', class: 'button button--primary', id: 'is-issue',
          'aria-disabled': s.busy ? 'true' : null, onclick: () => this.onIssue(),
        }, s.busy === 'issue' ? t('issue.issuing') : t('issue.issue_n', { count: n }))) : null);
  }

  stats(list) {
    return h('dl', { class: 'stats' }, list.map(([k, v]) =>
      h('div', { class: 'stats__item', dataset: { stat: k.split('.').pop() } }, h('dt', null, t(k)), h('dd', null, String(v)))));
  }

  errorTable(errors) {
    const schema = this.schemas.get(this.s.type);
    const titleOf = (col) => (schema && !(schema instanceof Error) && schema.properties && schema.properties[col] ? schema.properties[col].title : '');
    return h('div', { class: 'table-wrap' },
      h('table', { class: 'data-table row-errors' },
        h('caption', { class: 'table-caption' }, t('issue.errors_caption')),
        h('thead', null, h('tr', null, [t('col.row'), t('col.column'), t('col.reason')].map((c) => h('th', { scope: 'col' }, c)))),
        h('tbody', null, errors.map((er) => h('tr', null,
          h('th', { scope: 'row', class: 'cell-nowrap' }, String(er.row)),
          h('td', { 'data-label': t('col.column') },
            er.column ? h('span', { class: 'code' }, er.column) : t('issue.row_whole'),
            titleOf(er.column) ? h('span', { class: 'cell-sub' }, titleOf(er.column)) : null),
          h('td', { 'data-label': t('col.reason') }, er.reason))))));
  }

  drawResult() {
    const s = this.s;
    const r = s.result;
    return h('div', { class: 'batch-report', role: 'group', 'aria-labelledby': 'is-result-title' },
      h('h3', { class: 'account-subtitle', id: 'is-result-title', tabindex: '-1' }, t('issue.result')),
      h('p', { class: 'notice notice--success', id: 'is-result-summary' },
        t('issue.done', { count: r.issued }), r.existing ? ` ${t('issue.done_existing', { count: r.existing })}` : null),
      this.stats([['issue.stat.records', r.records], ['issue.stat.issued', r.issued],
        ['issue.stat.existing', r.existing], ['issue.stat.invalid', r.invalid]]),
      r.errors && r.errors.length ? this.errorTable(r.errors) : null,
      h('div', { class: 'form__actions' },
        h('a', { class: 'button button--primary', id: 'is-see', href: listHref({ issuer: s.unit ? s.unit.code : s.issuer, type: s.type }) }, t('issue.see_issued')),
        h('button', { type: 'button', class: 'button button--secondary', onclick: () => this.another() }, t('issue.another'))));
  }

  /* ---- actions ---- */

  onIssuerTyped(v) {
    const s = this.s;
    s.issuer = v.trim();
    if (s.errors.issuer || s.unitError || s.unit) {
      delete s.errors.issuer;
      s.unitError = null;
      s.unit = null;
      const err = this.find('setup', 'is-issuer-error');
      if (err) { err.hidden = true; err.textContent = ''; }
      const found = this.find('setup', 'is-issuer-found');
      if (found) found.remove();
      const input = this.find('setup', 'is-issuer');
      if (input) input.setAttribute('aria-invalid', 'false');
    }
    this.invalidate();
  }

  async onIssuer(code) {
    this.s.issuer = code;
    await this.resolveIssuer(code);
    if (this.s.issuer !== code) return;
    const focused = document.activeElement && document.activeElement.id === 'is-issuer';
    this.redraw('setup');
    if (focused) this.focus('setup', 'is-issuer');
    this.invalidate();
  }

  async onType(type) {
    this.s.type = type;
    this.invalidate();
    await this.loadSchema(type);
    if (this.s.type !== type) return;
    this.redraw('setup');
    this.focus('setup', 'is-type');
  }

  onFile(file) {
    const s = this.s;
    delete s.errors.file;
    if (file.size > MAX_CSV_MB * 1024 * 1024) {
      s.file = null;
      s.errors.file = { key: 'issue.error.file_too_big', params: { size: MAX_CSV_MB } };
    } else {
      s.file = file;
    }
    s.result = null;
    this.redraw('file');
    this.focus('file', 'is-csv-button');
    this.invalidate(true);
  }

  // Settings or file changed: the last dry run no longer applies.
  invalidate(force = false) {
    const s = this.s;
    if (!s.dry && !force && !s.msg) return;
    if (s.dry && !this.stale() && !force) return;
    s.dry = null;
    s.skip = false;
    s.msg = null;
    if (this.parts.run && this.parts.run.isConnected) this.redraw('run');
  }

  // Check what is needed before sending; false (and the focus on the first problem) when something is missing.
  ready() {
    const s = this.s;
    const issuerInput = this.find('setup', 'is-issuer');
    if (issuerInput) s.issuer = issuerInput.value.trim();
    s.errors = {};
    if (!s.issuer) s.errors.issuer = { key: 'issue.error.issuer_required' };
    if (!s.file) s.errors.file = { key: 'issue.error.file_required' };
    if (!s.errors.issuer && !s.errors.file) return true;
    this.redraw('setup');
    this.redraw('file');
    if (s.errors.issuer) this.focus('setup', 'is-issuer');
    else this.focus('file', 'is-csv-button');
    return false;
  }

  async onDry() {
    const s = this.s;
    if (s.busy || !this.ready()) return;
    s.busy = 'dry';
    s.msg = null;
    setBusy(this.find('run', 'is-dry'), true, 'issue.checking');
    const key = fingerprint(s);
    let report = null;
    try {
      report = await api.issueBatch({ issuer: s.issuer, type: s.type, dryRun: true }, s.file);
    } catch (e) {
      if (e.status === 401) return;
      report = this.handleError(e);
    } finally {
      s.busy = null;
    }
    s.dry = report ? { report, key } : null;
    s.skip = false;
    if (!this.redraw('run')) return;
    if (report) {
      this.focus('run', 'is-report-title');
      this.say({ key: report.invalid ? 'issue.dry_bad' : 'issue.dry_ok', params: { count: report.invalid || report.records } });
    } else {
      this.say(s.msg);
    }
  }

  // An error answer: a per-row report when there is one (returned), else a message or a field error.
  handleError(e) {
    const s = this.s;
    const b = e.body || {};
    if (Array.isArray(b.errors) && typeof b.records === 'number') return b;
    if (e.field === 'issuer') {
      s.unitError = e.status === 404 || e.status === 403 ? { key: 'cred.unit_unknown', params: { code: s.issuer } } : { text: e.message };
      this.redraw('setup');
      this.focus('setup', 'is-issuer');
      return null;
    }
    s.msg = e.status === 403 || e.status === 404 ? { key: 'cred.unit_unknown', params: { code: s.issuer }, kind: 'error' } : requestError(e);
    return null;
  }

  async onIssue() {
    const s = this.s;
    if (s.busy || this.stale()) return;
    const n = this.toIssue();
    const button = this.find('run', 'is-issue');
    if (!(await this.confirm({
      heading: t('issue.confirm_title', { count: n }),
      text: t('issue.confirm_text', { unit: s.unit ? s.unit.name : s.issuer }),
      action: t('issue.confirm_action'),
      danger: false,
    }, button))) return;
    s.busy = 'issue';
    setBusy(button, true, 'issue.issuing');
    try {
      s.result = await api.issueBatch({ issuer: s.issuer, type: s.type, skipInvalid: s.skip }, s.file);
    } catch (e) {
      if (e.status === 401) return;
      const report = this.handleError(e);
      if (report) {
        s.dry = { report, key: fingerprint(s) };
        s.msg = { key: 'issue.error.rows', kind: 'error' };
      }
    } finally {
      s.busy = null;
    }
    if (!this.redraw('run')) return;
    if (s.result) {
      this.focus('run', 'is-result-title');
      this.say({ key: 'issue.done', params: { count: s.result.issued } });
    } else {
      this.focus('run', 'is-run');
      this.say(s.msg);
    }
  }

  another() {
    const s = this.s;
    Object.assign(s, { file: null, dry: null, result: null, msg: null, skip: false, errors: {} });
    this.redraw('file');
    this.redraw('run');
    this.focus('file', 'is-csv-button');
  }
}

/* ==== one credential ====================================================================== */

const NEXT_ACTIONS = { active: ['revoke', 'suspend'], suspended: ['reinstate', 'revoke'], revoked: [] };

export class CredView extends PartsView {
  constructor(ctx, id) {
    super(ctx);
    this.id = id;
    this.cred = null;
    this.error = null;
    this.st = { action: null, errors: {}, busy: false, msg: null };
    this.ver = { busy: false, report: null, error: null };
  }

  async load(signal) {
    this.cred = await loadFor(this, () => api.credential(this.id, signal));
    return this.cred !== undefined;
  }

  failure() {
    return failureView(this.error, ['cred.notfound_title', 'cred.notfound']);
  }

  title() {
    return this.cred ? this.cred.subjectName || this.cred.externalId : t('cred.title');
  }

  drawers() {
    return { head: this.drawHead, summary: this.drawSummary, status: this.drawStatus, verify: this.drawVerify, document: this.drawDocument };
  }

  render(el) {
    this.renderParts(el);
  }

  drawHead() {
    const c = this.cred;
    const doc = c.document || {};
    const id = c.id;
    return pageHead(this.title(), doc.name || word('ctype', c.type), [
      h('a', { class: 'button button--primary', id: 'cred-pdf', href: links.pdf(id), download: `${id}.pdf` }, t('cred.pdf')),
      h('a', { class: 'button button--secondary', id: 'cred-public', href: links.verifyPage(id), target: '_blank', rel: 'noopener' },
        t('cred.public_page'), h('span', { class: 'visually-hidden' }, ` ${t('cred.new_tab')}`)),
      h('a', { class: 'button button--secondary', href: `${unitHref(c.issuer)}/keys` }, t('cred.keys_link')),
    ], [crumb('#/credentials', t('cred.title')), crumb(null, this.title())]);
  }

  drawSummary() {
    const c = this.cred;
    const doc = c.document || {};
    const facts = [
      ['cred.f.holder', c.subjectName],
      ['cred.f.name', doc.name],
      ['cred.f.type', word('ctype', c.type)],
      ['cred.f.status', [credStatus(c.status)]],
      c.statusReason ? ['cred.f.reason', c.statusReason] : null,
      ['cred.f.issuer', [h('a', { href: unitHref(c.issuer) }, c.issuerName || c.issuer), ' ', h('span', { class: 'code' }, c.issuer)], 'facts__wide'],
      ['cred.f.record', h('span', { class: 'code' }, c.externalId)],
      ['cred.f.issued', day(c.issuedAt)],
      doc.validFrom ? ['verify.f.valid_from', day(doc.validFrom)] : null,
      ['cred.f.id', h('span', { class: 'code code--wrap' }, c.id), 'facts__wide'],
      ['cred.f.status_list', t('cred.status_list_value', { list: String(c.statusList), index: String(c.statusListIndex) })],
    ].filter(Boolean);
    return card('cred-summary', t('cred.summary'), null,
      h('dl', { class: 'facts' }, facts.map(([k, v, cls]) => h('div', { class: cls || null, dataset: { fact: k.split('.').pop() } }, h('dt', null, t(k)), h('dd', null, v)))));
  }

  drawStatus() {
    const c = this.cred;
    const s = this.st;
    const actions = NEXT_ACTIONS[c.status] || [];
    if (!actions.length) {
      return card('cred-status', t('cred.status.heading'), null,
        this.message(s.msg),
        h('p', { class: 'notice' }, t('cred.status.final')));
    }
    if (!actions.includes(s.action)) s.action = actions[0];
    return card('cred-status', t('cred.status.heading'), null,
      h('p', { class: 'card__intro' }, t('cred.status.intro')),
      this.message(s.msg),
      h('form', {
        class: 'form account-form', id: 'cred-status-form', novalidate: true, 'aria-labelledby': 'cred-status',
        'aria-busy': s.busy ? 'true' : 'false', onsubmit: (e) => this.onStatus(e),
      },
      h('fieldset', { class: 'field choice' },
        h('legend', null, t('cred.action')),
        h('div', { class: 'choice__items' }, actions.map((a) => h('div', { class: 'choice__item' },
          h('label', { class: 'choice__label', for: `cs-${a}` },
            h('input', {
              type: 'radio', name: 'cs-action', id: `cs-${a}`, value: a, checked: a === s.action,
              'aria-describedby': `cs-${a}-hint`, onchange: () => this.onAction(a),
            }),
            h('span', null, t(`cred.action.${a}`))),
          h('p', { class: 'field__hint choice__hint', id: `cs-${a}-hint` }, t(`cred.action_hint.${a}`)))))),
      field({
        id: 'cs-reason', control: 'textarea', label: t('cred.reason'), hint: t('cred.reason_hint'), error: s.errors.reason,
        input: { rows: 3, maxlength: 500, required: true, oninput: () => this.clearError(s, 'reason', 'status', 'cs-reason') },
      }),
      h('div', { class: 'form__actions' },
        h('button', {
          type: 'submit', class: `button ${s.action === 'reinstate' ? 'button--primary' : 'button--danger'}`, id: 'cs-submit',
          'aria-disabled': s.busy ? 'true' : null,
        }, t(s.busy ? 'cred.submitting' : `cred.submit.${s.action}`)))));
  }

  onAction(a) {
    this.st.action = a;
    const b = this.find('status', 'cs-submit');
    if (!b) return;
    b.textContent = t(`cred.submit.${a}`);
    b.className = `button ${a === 'reinstate' ? 'button--primary' : 'button--danger'}`;
  }

  async onStatus(e) {
    e.preventDefault();
    const s = this.st;
    if (s.busy) return;
    const reason = (this.find('status', 'cs-reason') || { value: '' }).value.trim();
    s.msg = null;
    s.errors = {};
    if (reason.length < 3) {
      s.errors.reason = { key: 'cred.error.reason' };
      if (this.redraw('status')) this.focus('status', 'cs-reason');
      return;
    }
    const action = s.action;
    const button = this.find('status', 'cs-submit');
    const name = this.cred.subjectName || this.cred.externalId;
    if (!(await this.confirm({
      heading: t(`cred.confirm.${action}_title`, { name }),
      text: t(`cred.confirm.${action}_text`),
      action: t(`cred.submit.${action}`),
      danger: action !== 'reinstate',
    }, button))) return;
    s.busy = true;
    setBusy(button, true, 'cred.submitting');
    let clear = [];
    try {
      const updated = await api.setCredentialStatus(this.cred.id, action, reason);
      this.cred = { ...this.cred, ...updated };
      s.msg = { key: `cred.done.${action}`, kind: 'success' };
      clear = ['cs-reason'];
      this.ver.report = null;
    } catch (err) {
      if (err.status === 401) return;
      if (err.status === 400 && err.field === 'reason') s.errors.reason = { text: err.message };
      else s.msg = requestError(err);
      if (err.status === 409) {
        try { this.cred = await api.credential(this.cred.id); } catch { /* keep what we have */ }
      }
    } finally {
      s.busy = false;
    }
    if (!this.parts.status || !this.parts.status.isConnected) return;
    this.redraw('head');
    this.redraw('summary');
    this.redraw('status', clear);
    this.redraw('verify');
    if (s.errors.reason) {
      this.focus('status', 'cs-reason');
    } else {
      this.focus('status', 'cred-status');
      this.say(s.msg);
    }
  }

  drawVerify() {
    const v = this.ver;
    return card('cred-verify', t('cred.verification'), null,
      h('p', { class: 'card__intro' }, t('cred.verification_intro')),
      h('div', { class: 'form__actions' },
        h('button', {
          type: 'button', class: 'button button--secondary', id: 'cred-verify-run',
          'aria-disabled': v.busy ? 'true' : null, onclick: () => this.onVerify(),
        }, t(v.busy ? 'cred.verifying' : 'cred.verify_now'))),
      h('div', { class: 'cred-verify__out', role: 'status', id: 'cred-verify-out' },
        v.error ? message(v.error) : null,
        v.report ? verdictBanner(verdictOf(v.report), {}, 'h3') : null),
      v.report ? checkList(v.report, 'cred-check') : null);
  }

  async onVerify() {
    const v = this.ver;
    if (v.busy) return;
    v.busy = true;
    v.error = null;
    setBusy(this.find('verify', 'cred-verify-run'), true, 'cred.verifying');
    try {
      v.report = await api.verify(JSON.stringify(this.cred.document));
    } catch (e) {
      if (e.status === 401) return;
      v.report = null;
      v.error = requestError(e);
    } finally {
      v.busy = false;
    }
    if (this.redraw('verify')) this.focus('verify', 'cred-verify-run');
  }

  drawDocument() {
    const c = this.cred;
    const text = JSON.stringify(c.document, null, 2);
    return card('cred-document', t('cred.document'), null,
      h('p', { class: 'card__intro' }, t('cred.document_intro')),
      h('details', { class: 'json-details' },
        h('summary', null, t('cred.document_show')),
        h('pre', { class: 'json-view', tabindex: '0', 'aria-label': t('cred.document') }, text)),
      h('p', null, h('button', {
        type: 'button', class: 'button button--secondary button--small', id: 'cred-json',
        onclick: () => download(`${c.id}.json`, `${JSON.stringify(c.document)}\n`, 'application/json'),
      }, t('cred.download_json'))));
  }
}

/* ==== a unit's signing keys =============================================================== */

export class KeysView extends PartsView {
  constructor(ctx, code) {
    super(ctx);
    this.code = code;
    this.unit = null;
    this.keys = null;
    this.keysError = null;
    this.error = null;
    this.k = { busy: false, msg: null };
  }

  async load(signal) {
    try {
      const [unit] = await Promise.all([api.unit(this.code, signal), this.loadKeys(signal)]);
      this.unit = unit;
      return true;
    } catch (e) {
      if (e.name === 'AbortError') throw e;
      this.error = e;
      return false;
    }
  }

  async loadKeys(signal) {
    try {
      this.keys = (await api.keys(this.code, signal)).items || [];
      this.keysError = null;
    } catch (e) {
      if (e.name === 'AbortError') throw e;
      this.keysError = e;
    }
  }

  failure() {
    return failureView(this.error, ['unit.notfound_title', 'unit.notfound'], this.code);
  }

  title() {
    return `${t('keys.title')} · ${this.unit ? this.unit.name : this.code}`;
  }

  drawers() {
    return { keys: this.drawKeys };
  }

  render(el) {
    const u = this.unit;
    this.renderParts(el, pageHead(t('keys.title'), u.name, [
      h('a', { class: 'button button--secondary', href: listHref({ issuer: u.code }) }, t('unit.credentials')),
      h('a', { class: 'button button--secondary', href: links.didDocument(u.code), target: '_blank', rel: 'noopener' },
        t('keys.did'), h('span', { class: 'visually-hidden' }, ` ${t('cred.new_tab')}`)),
    ], [crumb(unitHref(u.code), u.name), crumb(null, t('keys.title'))]));
  }

  drawKeys() {
    const list = this.keys;
    const count = list && !this.keysError ? h('span', { class: 'card__count' }, t('keys.count', { count: list.length })) : null;
    let body;
    if (this.keysError) {
      body = this.loadError('keys.error', () => this.reload());
    } else if (!list.length) {
      body = h('p', { class: 'card__empty' }, t('keys.none'));
    } else {
      body = h('div', { class: 'table-wrap' },
        h('table', { class: 'data-table keys-table', 'aria-labelledby': 'keys-list' },
          h('thead', null, h('tr', null, [t('col.key'), t('col.created'), t('col.retired'), t('col.status')].map((c) => h('th', { scope: 'col' }, c)))),
          h('tbody', null, list.map((k) => h('tr', { class: `key-row key-row--${k.status}` },
            h('th', { scope: 'row', class: 'cell-main' }, h('span', { class: 'code code--wrap' }, k.publicKeyMultibase)),
            h('td', { 'data-label': t('col.created'), class: 'cell-nowrap' }, k.created ? time(k.created) : t('common.none')),
            h('td', { 'data-label': t('col.retired'), class: 'cell-nowrap' }, k.retired ? time(k.retired) : t('common.none')),
            h('td', { 'data-label': t('col.status') },
              h('span', { class: `status status--${k.status === 'active' ? 'active' : 'closed'}` }, t(`keys.state.${k.status}`))))))));
    }
    return card('keys-list', t('keys.list'), count,
      h('p', { class: 'card__intro' }, t('keys.intro')),
      this.message(this.k.msg),
      body,
      h('div', { class: 'card__foot form__actions' },
        h('button', {
          type: 'button', class: 'button button--danger', id: 'keys-rotate',
          'aria-disabled': this.k.busy ? 'true' : null, onclick: (e) => this.onRotate(e.currentTarget),
        }, t(this.k.busy ? 'keys.rotating' : 'keys.rotate'))));
  }

  async reload() {
    await this.loadKeys();
    if (this.redraw('keys')) this.focus('keys', 'keys-list');
  }

  async onRotate(button) {
    if (this.k.busy) return;
    if (!(await this.confirm({
      heading: t('keys.rotate_title', { name: this.unit.name }),
      text: t('keys.rotate_text'),
      action: t('keys.rotate_confirm'),
    }, button))) return;
    this.k.busy = true;
    setBusy(button, true, 'keys.rotating');
    try {
      this.keys = (await api.rotateKey(this.code)).items || [];
      this.keysError = null;
      this.k.msg = { key: 'keys.rotated', kind: 'success' };
    } catch (e) {
      if (e.status === 401) return;
      this.k.msg = requestError(e);
    } finally {
      this.k.busy = false;
    }
    if (!this.redraw('keys')) return;
    this.focus('keys', 'keys-list');
    this.say(this.k.msg);
  }
}

/* ==== the trust registry =================================================================== */

const TRUST_TYPES = [...CRED_TYPES, 'other'];

function emptyForm() {
  return { code: '', name: '', from: new Date().toISOString().slice(0, 10), until: '', types: [...TRUST_TYPES], decision: '', editing: false };
}

export class TrustView extends PartsView {
  constructor(ctx) {
    super(ctx);
    this.items = null;
    this.listError = null;
    this.l = { busy: null, msg: null };
    this.f = { ...emptyForm(), errors: {}, busy: false, msg: null };
  }

  canEdit() {
    return this.ctx.user.role === 'ministry_admin';
  }

  async load(signal) {
    await this.loadList(signal);
    return true;
  }

  async loadList(signal) {
    try {
      this.items = (await api.trust(signal)).items || [];
      this.listError = null;
    } catch (e) {
      if (e.name === 'AbortError') throw e;
      this.listError = e;
    }
  }

  title() {
    return t('trust.title');
  }

  drawers() {
    return { list: this.drawList, form: this.drawForm };
  }

  render(el) {
    this.renderParts(el, pageHead(t('trust.title'), t('trust.intro'), [
      h('a', { class: 'button button--secondary', id: 'trust-export', href: links.trustExport, download: 'trust-registry.json', 'aria-describedby': 'trust-export-hint' }, t('trust.export')),
      h('span', { class: 'page-actions__hint', id: 'trust-export-hint' }, t('trust.export_hint')),
    ], [crumb('#/credentials', t('cred.title')), crumb(null, t('trust.title'))]));
  }

  typesText(types) {
    const set = new Set(types || []);
    if (TRUST_TYPES.every((ty) => set.has(ty))) return t('cred.filter.all');
    return (types || []).map((ty) => word('ctype', ty)).join(', ');
  }

  drawList() {
    const list = this.items;
    const edit = this.canEdit();
    const count = list && !this.listError ? h('span', { class: 'card__count' }, t('trust.count', { count: list.length })) : null;
    let body;
    if (this.listError) body = this.loadError('trust.error', () => this.reload());
    else if (!list.length) body = h('p', { class: 'card__empty' }, t('trust.none'));
    else {
      const cols = [t('col.unit'), t('col.types'), t('col.from'), t('col.until'), t('col.decision')];
      body = h('div', { class: 'table-wrap' },
        h('table', { class: 'data-table trust-table', 'aria-labelledby': 'trust-list' },
          h('thead', null, h('tr', null, cols.map((c) => h('th', { scope: 'col' }, c)),
            edit ? h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, t('col.actions'))) : null)),
          h('tbody', null, list.map((it) => {
            const nameId = `trust-${it.unit}`;
            const busy = this.l.busy === it.unit;
            return h('tr', { dataset: { unit: it.unit } },
              h('th', { scope: 'row', class: 'cell-main' },
                h('a', { class: 'cell-link', href: unitHref(it.unit), id: nameId }, it.name),
                h('span', { class: 'cell-sub' }, h('span', { class: 'code' }, it.unit))),
              h('td', { 'data-label': t('col.types') }, this.typesText(it.types)),
              h('td', { 'data-label': t('col.from'), class: 'cell-nowrap' }, day(it.accreditedFrom)),
              h('td', { 'data-label': t('col.until'), class: 'cell-nowrap' }, it.accreditedUntil ? day(it.accreditedUntil) : t('trust.open_ended')),
              h('td', { 'data-label': t('col.decision') }, it.decision || t('common.none')),
              edit ? h('td', { class: 'cell-actions' },
                h('button', { type: 'button', class: 'button button--secondary button--small', 'aria-describedby': nameId, onclick: () => this.onEdit(it) }, t('trust.edit')),
                ' ',
                h('button', {
                  type: 'button', class: 'button button--danger button--small', 'aria-describedby': nameId,
                  'aria-disabled': busy ? 'true' : null, onclick: (e) => this.onRemove(it, e.currentTarget),
                }, t(busy ? 'trust.removing' : 'trust.remove'))) : null);
          }))));
    }
    return card('trust-list', t('trust.list'), count, this.message(this.l.msg), body);
  }

  drawForm() {
    const f = this.f;
    if (!this.canEdit()) return h('p', { class: 'notice' }, t('trust.readonly'));
    const heading = f.editing ? t('trust.form_edit', { name: f.name || f.code }) : t('trust.form_add');
    const unitError = f.errors.unit;
    return card('trust-form-title', heading, null,
      this.message(f.msg),
      h('form', { class: 'form account-form', id: 'trust-form', novalidate: true, 'aria-labelledby': 'trust-form-title', onsubmit: (e) => this.onSave(e) },
        h('div', { class: 'field' },
          h('label', { for: 'tf-unit' }, t('trust.unit')),
          h('p', { class: 'field__hint', id: 'tf-unit-hint' }, t('issue.issuer_hint')),
          unitInput({
            id: 'tf-unit', value: f.code, readonly: f.editing, invalid: Boolean(unitError),
            describedBy: 'tf-unit-hint tf-unit-error',
            onInput: () => this.clearError(f, 'unit', 'form', 'tf-unit'),
          }),
          h('p', { class: 'field__error', id: 'tf-unit-error', hidden: !unitError }, msgText(unitError))),
        h('div', { class: 'field-row' },
          field({ id: 'tf-from', label: t('trust.from'), error: f.errors.from, input: { type: 'date', value: f.from, required: true, oninput: () => this.clearError(f, 'from', 'form', 'tf-from') } }),
          field({ id: 'tf-until', label: t('trust.until'), error: f.errors.until, input: { type: 'date', value: f.until, oninput: () => this.clearError(f, 'until', 'form', 'tf-until') } })),
        h('fieldset', { class: 'field choice', 'aria-describedby': 'tf-types-error' },
          h('legend', null, t('trust.types')),
          h('div', { class: 'checks-grid' }, TRUST_TYPES.map((ty) => h('div', { class: 'field--check' },
            h('input', { type: 'checkbox', id: `tf-type-${ty}`, value: ty, checked: f.types.includes(ty), onchange: () => this.clearError(f, 'types', 'form', 'tf-type-diploma') }),
            h('label', { for: `tf-type-${ty}` }, word('ctype', ty))))),
          h('p', { class: 'field__error', id: 'tf-types-error', hidden: !f.errors.types }, msgText(f.errors.types))),
        field({ id: 'tf-decision', label: t('trust.decision'), hint: t('trust.decision_hint'), error: f.errors.decision, input: { type: 'text', value: f.decision, maxlength: 200, autocomplete: 'off' } }),
        h('div', { class: 'form__actions' },
          h('button', { type: 'submit', class: 'button button--primary', id: 'tf-submit', 'aria-disabled': f.busy ? 'true' : null }, t(f.busy ? 'trust.saving' : 'trust.submit')),
          f.editing ? h('button', { type: 'button', class: 'button button--secondary', onclick: () => this.cancelEdit() }, t('common.cancel')) : null)));
  }

  async reload() {
    await this.loadList();
    if (this.redraw('list')) this.focus('list', 'trust-list');
  }

  onEdit(it) {
    Object.assign(this.f, {
      code: it.unit, name: it.name, editing: true, errors: {}, msg: null,
      from: (it.accreditedFrom || '').slice(0, 10), until: (it.accreditedUntil || '').slice(0, 10),
      types: [...(it.types || [])], decision: it.decision || '',
    });
    // The fields are filled from the state, not from what was typed before.
    this.redraw('form', ['tf-unit', 'tf-from', 'tf-until', 'tf-decision', ...TRUST_TYPES.map((ty) => `tf-type-${ty}`)]);
    this.focus('form', 'trust-form-title');
  }

  cancelEdit() {
    Object.assign(this.f, emptyForm(), { errors: {}, msg: null });
    this.redraw('form', ['tf-unit', 'tf-from', 'tf-until', 'tf-decision', ...TRUST_TYPES.map((ty) => `tf-type-${ty}`)]);
    this.focus('form', 'trust-form-title');
  }

  async onSave(e) {
    e.preventDefault();
    const f = this.f;
    if (f.busy) return;
    const val = (id) => (this.find('form', id) || { value: '' }).value.trim();
    const code = val('tf-unit');
    const from = val('tf-from');
    const until = val('tf-until');
    const decision = val('tf-decision');
    const types = TRUST_TYPES.filter((ty) => (this.find('form', `tf-type-${ty}`) || {}).checked);
    Object.assign(f, { code, from, until, decision, types, errors: {}, msg: null });
    if (!code) f.errors.unit = { key: 'trust.error.unit' };
    if (!from) f.errors.from = { key: 'trust.error.from' };
    if (from && until && until < from) f.errors.until = { key: 'trust.error.until' };
    if (!types.length) f.errors.types = { key: 'trust.error.types' };
    const order = [['unit', 'tf-unit'], ['from', 'tf-from'], ['until', 'tf-until'], ['types', 'tf-type-diploma']];
    const firstError = () => order.find(([k]) => f.errors[k]);
    if (firstError()) {
      if (this.redraw('form')) this.focus('form', firstError()[1]);
      return;
    }
    f.busy = true;
    setBusy(this.find('form', 'tf-submit'), true, 'trust.saving');
    const body = { from, types: types.length === TRUST_TYPES.length ? '*' : types };
    if (until) body.until = until;
    if (decision) body.decision = decision;
    let saved = null;
    try {
      saved = await api.putTrust(code, body);
    } catch (err) {
      if (err.status === 401) return;
      const map = { unit: 'unit', from: 'from', until: 'until', types: 'types', decision: 'decision' };
      if (err.status === 404 || (err.status === 403 && err.field === 'unit')) f.errors.unit = { key: 'cred.unit_unknown', params: { code } };
      else if (err.status === 400 && map[err.field]) f.errors[map[err.field]] = { text: err.message };
      else f.msg = requestError(err);
    } finally {
      f.busy = false;
    }
    if (saved) {
      Object.assign(f, emptyForm(), { errors: {}, msg: null });
      this.l.msg = { key: 'trust.saved', params: { name: saved.name }, kind: 'success' };
      await this.loadList();
      this.redraw('list');
      this.redraw('form', ['tf-unit', 'tf-from', 'tf-until', 'tf-decision', ...TRUST_TYPES.map((ty) => `tf-type-${ty}`)]);
      this.focus('list', 'trust-list');
      this.say(this.l.msg);
      return;
    }
    if (!this.redraw('form')) return;
    const fe = firstError() || (f.errors.decision ? ['decision', 'tf-decision'] : null);
    if (fe) this.focus('form', fe[1]);
    else this.say(f.msg);
  }

  async onRemove(it, button) {
    if (this.l.busy) return;
    if (!(await this.confirm({
      heading: t('trust.remove_title', { name: it.name }),
      text: t('trust.remove_text'),
      action: t('trust.remove_confirm'),
    }, button))) return;
    this.l.busy = it.unit;
    setBusy(button, true, 'trust.removing');
    try {
      await api.removeTrust(it.unit);
      this.l.msg = { key: 'trust.removed', params: { name: it.name }, kind: 'success' };
    } catch (e) {
      if (e.status === 401) return;
      this.l.msg = requestError(e);
    } finally {
      this.l.busy = null;
    }
    await this.loadList();
    if (!this.redraw('list')) return;
    this.focus('list', 'trust-list');
    this.say(this.l.msg);
  }
}

