// The emulation movement in the signed-in app (ministry and unit admins; reviewers read):
//   #/movement                        the campaigns; the Ministry defines one from its JSON
//   #/movement/{code}                 one campaign: legal basis, phases, milestones, criteria,
//                                     indicators, reward forms; the Ministry redefines it
//   #/movement/{code}/dashboard       coverage by unit type and province, who has not registered,
//                                     reports by period and status, initiatives, review rounds
// Shared pieces of the movement's pages (headings, tabs, evidence files) live here too.
// Each view keeps its data and what was typed, so it can be drawn again after a change of language.

import { api, links } from './api.js';
import { h } from './dom.js';
import { currentLang, formatDay, locale, t, word } from './i18n.js';
import { PartsView, dropZone, field, message, msgText, requestError, setBusy, time } from './ui.js';
import { MessageView, provinceName, title } from './views.js';

export const MINISTRY = 'ministry_admin';
export const ADMINS = new Set(['ministry_admin', 'unit_admin']);

/* ---- addresses ----------------------------------------------------------------------------- */

export function campHref(code, ...rest) {
  return `#/movement/${[code, ...rest].map((x) => encodeURIComponent(x)).join('/')}`;
}

export function workspaceHref(code, unit) {
  return campHref(code, 'units', unit);
}

export function reportHref(code, unit, period) {
  return campHref(code, 'units', unit, 'reports', period);
}

export function roundHref(code, round) {
  return campHref(code, 'rounds', round);
}

export function initiativeHref(id) {
  return `#/initiatives/${encodeURIComponent(id)}`;
}

/* ---- words and numbers ------------------------------------------------------------------------ */

// A name in the language shown: o.name_en (or o.en) in English when there is one.
export function loc(o, fieldName = 'name') {
  if (!o) return '';
  if (currentLang() === 'en') return o[`${fieldName}_en`] || o[fieldName] || '';
  return o[fieldName] || '';
}

// A {vi, en} pair in the language shown.
export function pair(o) {
  if (!o) return '';
  if (typeof o === 'string') return o;
  return (currentLang() === 'en' ? o.en : o.vi) || o.vi || o.en || '';
}

export function num(x, digits = 0) {
  if (x === null || x === undefined || Number.isNaN(Number(x))) return t('common.none');
  return new Intl.NumberFormat(locale(), { maximumFractionDigits: digits, minimumFractionDigits: 0 }).format(Number(x));
}

export function percent(part, whole) {
  if (!whole) return t('common.none');
  return new Intl.NumberFormat(locale(), { style: 'percent', maximumFractionDigits: 0 }).format(part / whole);
}

export function day(iso) {
  return iso ? time(iso, formatDay(iso)) : t('common.none');
}

export function pill(kind, text) {
  return h('span', { class: `status status--${kind}` }, text);
}

// Report statuses as pills.
const REPORT_PILL = { draft: 'closed', submitted: 'inactive', returned: 'revoked', accepted: 'active' };
export function reportStatus(status) {
  return pill(REPORT_PILL[status] || 'closed', word('mv.rstatus', status));
}

/* ---- page pieces -------------------------------------------------------------------------------- */

export function crumb(href, text) {
  return h('li', null, href ? h('a', { href }, text) : h('span', { 'aria-current': 'page' }, text));
}

export function pageHead(heading, subtitle, actions, crumbs, extra) {
  return h('header', { class: 'page-head' },
    crumbs ? h('nav', { class: 'breadcrumb', 'aria-label': t('mv.breadcrumb') }, h('ol', null, crumbs)) : null,
    title(heading),
    subtitle ? h('p', { class: 'page-subtitle' }, subtitle) : null,
    extra || null,
    actions && actions.length ? h('div', { class: 'page-actions' }, actions) : null);
}

export function card(id, heading, extra, ...body) {
  return h('section', { class: 'card', 'aria-labelledby': id },
    h('div', { class: 'card__head' }, h('h2', { class: 'card__title', id, tabindex: '-1' }, heading), extra || null),
    ...body);
}

export function count(text) {
  return h('span', { class: 'card__count' }, text);
}

export function table(labelledBy, cols, rows, cls = '') {
  return h('div', { class: 'table-wrap' },
    h('table', { class: `data-table ${cls}`.trim(), 'aria-labelledby': labelledBy },
      h('thead', null, h('tr', null, cols.map((c) => h('th', { scope: 'col' }, c)))),
      h('tbody', null, rows)));
}

export function empty(key, params) {
  return h('p', { class: 'card__empty' }, t(key, params));
}

// The sections of a campaign, as a row of links under its heading.
export function campaignTabs(ctx, code, current) {
  const role = ctx.user.role;
  const items = [['overview', campHref(code), 'mv.tab.overview']];
  if (ADMINS.has(role)) items.push(['dashboard', campHref(code, 'dashboard'), 'mv.tab.dashboard']);
  if (role === 'unit_admin' && ctx.user.unit_code) items.push(['unit', workspaceHref(code, ctx.user.unit_code), 'mv.tab.unit']);
  items.push(['nominations', campHref(code, 'nominations'), 'mv.tab.nominations']);
  return h('nav', { class: 'tabs', 'aria-label': t('mv.tabs') },
    h('ul', { class: 'tabs__list' }, items.map(([name, href, key]) => h('li', null,
      h('a', { class: 'tabs__link', href, 'aria-current': name === current ? 'page' : null }, t(key))))));
}

export function failureView(e, notFound = ['mv.notfound_title', 'mv.notfound'], params = {}) {
  if (e && e.status === 403) return new MessageView(null, 'unit.forbidden_title', 'mv.forbidden', params);
  if (e && e.status === 404) return new MessageView(null, notFound[0], notFound[1], params);
  if (e && e.status === 0) return new MessageView(null, 'mv.error_title', 'error.network');
  if (e && e.status) return new MessageView(null, 'mv.error_title', 'error.server', { status: e.status });
  return new MessageView(null, 'mv.error_title', 'error.generic');
}

/* ---- evidence files ----------------------------------------------------------------------------- */

export function shortSha(sha) {
  return String(sha || '').slice(0, 12);
}

// Links that download evidence files, by SHA-256 (with the name when this page uploaded it).
export function evidenceLinks(shas, names = new Map()) {
  if (!shas || !shas.length) return h('span', { class: 'muted' }, t('mv.evidence.none'));
  return h('ul', { class: 'evidence-list' }, shas.map((sha) => h('li', null,
    h('a', { href: links.evidence(sha), download: names.get(sha) || '', class: 'evidence-link' },
      h('span', { class: 'evidence-link__icon', 'aria-hidden': 'true' }),
      names.get(sha) || t('mv.evidence.file', { sha: shortSha(sha) })))));
}

/**
 * A button that chooses a file (through a hidden file input, so the words are ours) and
 * uploads it at once as evidence for `unit` (a code, or a function giving it);
 * onUploaded(file record) with { sha256, name, ... }. The outcome is said in a live line.
 */
export function evidenceInput({ id, label, unit, onUploaded, say }) {
  const status = h('p', { class: 'field__hint evidence-status', id: `${id}-status`, role: 'status' });
  const input = h('input', {
    type: 'file', id, class: 'dropzone__input', tabindex: '-1', 'aria-hidden': 'true',
    accept: '.pdf,.png,.jpg,.jpeg,.webp,.docx,.xlsx,.pptx,.odt,.ods,.odp',
  });
  const button = h('button', {
    type: 'button', class: 'button button--secondary', id: `${id}-button`, 'aria-describedby': `${id}-hint ${id}-status`,
    onclick: () => input.click(),
  }, h('span', { class: 'evidence-link__icon', 'aria-hidden': 'true' }), label);
  input.addEventListener('change', async () => {
    const file = input.files && input.files[0];
    if (!file) return;
    status.classList.remove('field__error');
    status.textContent = t('mv.evidence.uploading', { name: file.name });
    button.setAttribute('aria-disabled', 'true');
    try {
      const rec = await api.uploadEvidence(typeof unit === 'function' ? unit() : unit, file);
      status.textContent = t('mv.evidence.uploaded', { name: rec.name });
      if (say) say({ key: 'mv.evidence.uploaded', params: { name: rec.name } });
      input.value = '';
      onUploaded(rec);
    } catch (e) {
      if (e.status === 401) return;
      status.textContent = e.status === 0 || e.status >= 500 ? msgText(requestError(e)) : t('mv.evidence.refused', { name: file.name, why: e.message });
      status.classList.add('field__error');
      input.value = '';
      if (say) say({ text: status.textContent });
    } finally {
      button.removeAttribute('aria-disabled');
    }
  });
  return h('div', { class: 'evidence-field' },
    h('p', { class: 'field__hint', id: `${id}-hint` }, t('mv.evidence.hint')),
    h('div', { class: 'evidence-field__row' }, button, input),
    status);
}

/* ==== the campaigns ============================================================================== */

const KINDS = ['movement', 'yearly', 'thematic'];

export class CampaignsView extends PartsView {
  constructor(ctx) {
    super(ctx);
    this.items = null;
    this.f = { text: '', busy: false, msg: null, error: null };
  }

  async load(signal) {
    this.items = (await api.campaigns(signal)).campaigns || [];
    return true;
  }

  failure() {
    return failureView(this.error);
  }

  title() {
    return t('mv.title');
  }

  drawers() {
    const d = { list: this.drawList };
    if (this.ctx.user.role === MINISTRY) d.create = this.drawCreate;
    return d;
  }

  render(el) {
    this.renderParts(el, pageHead(t('mv.title'), t('mv.intro'), [
      h('a', { class: 'button button--secondary', href: '#/initiatives' }, t('nav.initiatives')),
      this.ctx.user.role === 'reviewer' ? h('a', { class: 'button button--secondary', href: '#/reviews' }, t('nav.reviews')) : null,
    ].filter(Boolean)));
  }

  drawList() {
    const list = this.items;
    if (!list.length) return card('mv-list', t('mv.list'), null, empty('mv.none'));
    const rows = list.map((c) => h('tr', null,
      h('th', { scope: 'row', class: 'cell-main' },
        h('a', { class: 'cell-link', href: campHref(c.code) }, loc(c)),
        h('span', { class: 'cell-sub' }, h('span', { class: 'code' }, c.code))),
      h('td', { 'data-label': t('mv.col.kind') }, word('mv.kind', c.kind)),
      h('td', { 'data-label': t('mv.col.period'), class: 'cell-nowrap' }, day(c.starts_on), ' – ', day(c.ends_on)),
      h('td', { 'data-label': t('mv.col.registered') }, num(c.registered))));
    return card('mv-list', t('mv.list'), count(t('mv.count', { count: list.length })),
      table('mv-list', [t('mv.col.campaign'), t('mv.col.kind'), t('mv.col.period'), t('mv.col.registered')], rows));
  }

  drawCreate() {
    return definitionForm(this, {
      part: 'create', id: 'mv-create', heading: t('mv.create'), intro: t('mv.create_intro'), state: this.f,
      submitKey: 'mv.create_submit', busyKey: 'mv.creating',
      send: (text) => api.createCampaign(text),
      done: (c) => {
        this.f.text = '';
        location.hash = campHref(c.code);
      },
    });
  }
}

// The form that takes a campaign's JSON definition (pasted, or from a file) and sends it.
function definitionForm(view, { part, id, heading, intro, state, submitKey, busyKey, send, done }) {
  const onSubmit = async (e) => {
    e.preventDefault();
    if (state.busy) return;
    const area = view.find(part, `${id}-text`);
    const text = area ? area.value.trim() : '';
    state.text = text;
    state.msg = null;
    state.error = null;
    if (!text) state.error = { key: 'mv.def.required' };
    else {
      try { JSON.parse(text); } catch (err) { state.error = { key: 'mv.def.not_json', params: { why: err.message } }; }
    }
    if (state.error) {
      if (view.redraw(part)) view.focus(part, `${id}-text`);
      return;
    }
    state.busy = true;
    setBusy(view.find(part, `${id}-submit`), true, busyKey);
    let saved = null;
    try {
      saved = await send(text);
    } catch (err) {
      if (err.status === 401) return;
      state.error = err.status === 400 || err.status === 409
        ? { key: 'mv.def.refused', params: { field: err.field || '–', why: err.message } }
        : requestError(err);
    } finally {
      state.busy = false;
    }
    if (saved) {
      state.msg = { key: 'mv.def.saved', params: { code: saved.code }, kind: 'success' };
      done(saved);
      if (view.redraw(part)) view.focus(part, id);
      view.say(state.msg);
      return;
    }
    if (view.redraw(part)) view.focus(part, `${id}-text`);
  };
  const area = field({
    id: `${id}-text`, control: 'textarea', label: t('mv.def.label'), hint: t('mv.def.hint'), error: state.error,
    input: { class: 'json-input', rows: 10, spellcheck: 'false', autocomplete: 'off', autocapitalize: 'none' },
    children: state.text,
  });
  return card(id, heading, null,
    h('p', { class: 'card__intro' }, intro),
    message(state.msg),
    h('form', { class: 'form', novalidate: true, 'aria-labelledby': id, onsubmit: onSubmit },
      dropZone({
        id: `${id}-file`, accept: '.json,application/json', text: t('mv.def.drop'), button: t('mv.def.choose'),
        onFile: async (file) => {
          const el = view.find(part, `${id}-text`);
          if (el) el.value = await file.text();
        },
      }),
      area,
      h('div', { class: 'form__actions' },
        h('button', { type: 'submit', class: 'button button--primary', id: `${id}-submit`, 'aria-disabled': state.busy ? 'true' : null }, t(state.busy ? busyKey : submitKey)))));
}

/* ==== one campaign ================================================================================ */

export class CampaignView extends PartsView {
  constructor(ctx, code) {
    super(ctx);
    this.code = code;
    this.c = null;
    this.f = { text: '', busy: false, msg: null, error: null };
  }

  async load(signal) {
    try {
      this.c = await api.campaign(this.code, signal);
      const def = { ...this.c };
      delete def.registered;
      this.f.text = JSON.stringify(def, null, 2);
      return true;
    } catch (e) {
      if (e.name === 'AbortError') throw e;
      this.error = e;
      return false;
    }
  }

  failure() {
    return failureView(this.error, ['mv.notfound_title', 'mv.notfound'], { code: this.code });
  }

  title() {
    return this.c ? loc(this.c) : this.code;
  }

  drawers() {
    const d = { facts: this.drawFacts, phases: this.drawPhases, criteria: this.drawCriteria, indicators: this.drawIndicators, rewards: this.drawRewards };
    if (this.ctx.user.role === MINISTRY) d.redefine = this.drawRedefine;
    return d;
  }

  render(el) {
    const c = this.c;
    this.renderParts(el, pageHead(loc(c), t('mv.period', { from: formatDay(c.starts_on), until: formatDay(c.ends_on) }), null,
      [crumb('#/movement', t('mv.title')), crumb(null, c.code)], campaignTabs(this.ctx, c.code, 'overview')));
  }

  drawFacts() {
    const c = this.c;
    const facts = [
      ['mv.code', h('span', { class: 'code' }, c.code)],
      ['mv.col.kind', word('mv.kind', c.kind)],
      ['mv.col.registered', num(c.registered)],
      ['mv.participants', (c.participant_types || []).map((ty) => word('type', ty)).join(', ')],
      ['mv.scale', c.scale ? t('mv.scale_text', { min: c.scale.min, max: c.scale.max }) : t('common.none')],
    ];
    const basis = (c.legal_basis || []).map((b) => h('li', { class: 'basis' },
      h('span', { class: 'basis__doc' }, b.document),
      b.title ? h('span', { class: 'basis__title' }, ` · ${b.title}`) : null,
      ' ',
      pill(b.verified ? 'active' : 'inactive', t(b.verified ? 'mv.verified' : 'mv.unverified')),
      b.note ? h('span', { class: 'cell-sub' }, b.note) : null));
    return card('mv-facts', t('mv.details'), null,
      c.description ? h('p', { class: 'card__intro' }, c.description) : null,
      h('dl', { class: 'facts' }, facts.map(([k, v]) => h('div', null, h('dt', null, t(k)), h('dd', null, v)))),
      basis.length ? h('h3', { class: 'subhead' }, t('mv.legal_basis')) : null,
      basis.length ? h('ul', { class: 'plain-list' }, basis) : null);
  }

  drawPhases() {
    const c = this.c;
    const phases = (c.phases || []).map((p) => h('tr', null,
      h('th', { scope: 'row', class: 'cell-main' }, loc(p), h('span', { class: 'cell-sub' }, h('span', { class: 'code' }, p.code))),
      h('td', { 'data-label': t('col.from'), class: 'cell-nowrap' }, day(p.starts_on)),
      h('td', { 'data-label': t('col.until'), class: 'cell-nowrap' }, day(p.ends_on))));
    const admin = ADMINS.has(this.ctx.user.role);
    const miles = (c.milestones || []).map((m) => h('tr', null,
      h('th', { scope: 'row', class: 'cell-main' },
        admin ? h('a', { class: 'cell-link', href: campHref(c.code, 'milestones', m.code) }, loc(m)) : loc(m),
        h('span', { class: 'cell-sub' }, h('span', { class: 'code' }, m.code))),
      h('td', { 'data-label': t('mv.col.milestone_kind') }, word('mv.milestone', m.kind)),
      h('td', { 'data-label': t('mv.col.on'), class: 'cell-nowrap' }, day(m.on)),
      h('td', { 'data-label': t('mv.col.phase') }, m.phase)));
    return card('mv-phases', t('mv.phases'), null,
      table('mv-phases', [t('mv.col.phase'), t('col.from'), t('col.until')], phases),
      miles.length ? h('h3', { class: 'subhead', id: 'mv-milestones' }, t('mv.milestones')) : null,
      miles.length ? table('mv-milestones', [t('mv.col.milestone'), t('mv.col.milestone_kind'), t('mv.col.on'), t('mv.col.phase')], miles) : null);
  }

  drawCriteria() {
    const list = this.c.criteria || [];
    return card('mv-criteria', t('mv.criteria'), null,
      h('ul', { class: 'criteria' }, list.map((cr) => h('li', { class: 'criterion' },
        h('h3', { class: 'criterion__name' }, loc(cr), ' ',
          h('span', { class: 'criterion__weight' }, t('mv.weight', { w: Math.round(Number(cr.weight) * 100) }))),
        h('ul', { class: 'levels' }, (cr.levels || []).map((l) => h('li', null,
          h('span', { class: 'levels__score' }, num(l.score, 2)), ' ', pair(l))))))));
  }

  drawIndicators() {
    const list = this.c.indicators || [];
    const rows = list.map((i) => h('tr', null,
      h('th', { scope: 'row', class: 'cell-main' }, loc(i), h('span', { class: 'cell-sub' }, h('span', { class: 'code' }, i.code))),
      h('td', { 'data-label': t('mv.col.ikind') }, word('mv.ikind', i.kind)),
      h('td', { 'data-label': t('mv.col.iunit') }, word('mv.iunit', i.unit)),
      h('td', { 'data-label': t('mv.col.iperiod') }, word('mv.iperiod', i.period))));
    return card('mv-indicators', t('mv.indicators'), count(t('mv.indicators_count', { count: list.length })),
      table('mv-indicators', [t('mv.col.indicator'), t('mv.col.ikind'), t('mv.col.iunit'), t('mv.col.iperiod')], rows));
  }

  drawRewards() {
    const list = this.c.reward_forms || [];
    return card('mv-rewards', t('mv.rewards'), null,
      list.length ? h('ul', { class: 'plain-list' }, list.map((r) => h('li', null, loc(r),
        r.level ? h('span', { class: 'cell-sub' }, word('mv.level', r.level)) : null))) : empty('mv.rewards_none'));
  }

  drawRedefine() {
    return definitionForm(this, {
      part: 'redefine', id: 'mv-redefine', heading: t('mv.redefine'), intro: t('mv.redefine_intro'), state: this.f,
      submitKey: 'mv.redefine_submit', busyKey: 'mv.saving',
      send: (text) => api.redefineCampaign(this.code, text),
      done: (c) => {
        this.c = c;
        for (const name of ['facts', 'phases', 'criteria', 'indicators', 'rewards']) this.redraw(name);
      },
    });
  }
}

/* ==== the dashboard ================================================================================ */

const STATUSES = ['draft', 'submitted', 'returned', 'accepted'];
const STAGES = ['screening', 'scoring', 'final'];
const COVER_PAGE = 20;

export class DashboardView extends PartsView {
  constructor(ctx, code, query) {
    super(ctx);
    this.code = code;
    this.c = null;
    this.d = null;
    this.cov = null;
    this.covError = null;
    this.filter = { type: query.get('type') || '', province: query.get('province') || '', offset: Math.max(0, Number(query.get('offset')) || 0) };
    this.queue = null;
    this.r = { busy: false, msg: null, errors: {} };
  }

  async load(signal) {
    try {
      const [c, d] = await Promise.all([api.campaign(this.code, signal), api.dashboard(this.code, signal)]);
      this.c = c;
      this.d = d;
    } catch (e) {
      if (e.name === 'AbortError') throw e;
      this.error = e;
      return false;
    }
    await Promise.all([this.loadCoverage(signal), this.loadQueue(signal)]);
    return true;
  }

  async loadCoverage(signal) {
    const f = this.filter;
    try {
      this.cov = await api.coverage(this.code, {
        registered: 'false', type: f.type || undefined, province: f.province || undefined, limit: COVER_PAGE, offset: f.offset || undefined,
      }, signal);
      this.covError = null;
    } catch (e) {
      if (e.name === 'AbortError') throw e;
      this.covError = e;
    }
  }

  async loadQueue(signal) {
    try {
      this.queue = (await api.reports(this.code, { status: 'submitted' }, signal)).reports || [];
    } catch (e) {
      if (e.name === 'AbortError') throw e;
      this.queue = null;
    }
  }

  failure() {
    return failureView(this.error, ['mv.notfound_title', 'mv.notfound'], { code: this.code });
  }

  title() {
    return `${t('mv.dash.title')} · ${this.c ? loc(this.c) : this.code}`;
  }

  drawers() {
    const d = { summary: this.drawSummary, types: this.drawTypes, provinces: this.drawProvinces, missing: this.drawMissing, reports: this.drawReports, initiatives: this.drawInitiatives };
    if (this.ctx.user.role === MINISTRY) {
      d.rounds = this.drawRounds;
      d.newRound = this.drawNewRound;
    }
    return d;
  }

  render(el) {
    const c = this.c;
    this.renderParts(el, pageHead(t('mv.dash.title'), loc(c), null,
      [crumb('#/movement', t('mv.title')), crumb(campHref(c.code), c.code), crumb(null, t('mv.dash.title'))],
      campaignTabs(this.ctx, c.code, 'dashboard')));
  }

  drawSummary() {
    const d = this.d;
    const items = [
      ['eligible', 'mv.dash.eligible', num(d.eligible)],
      ['registered', 'mv.dash.registered', num(d.registered)],
      ['missing', 'mv.dash.not_registered', num(d.eligible - d.registered)],
      ['coverage', 'mv.dash.coverage', percent(d.registered, d.eligible)],
    ];
    return card('dash-summary', t('mv.dash.summary'), null,
      h('dl', { class: 'stats' }, items.map(([k, label, v]) => h('div', { class: 'stats__item', dataset: { stat: k } }, h('dt', null, t(label)), h('dd', null, v)))));
  }

  coverageRows(list, nameOf, labelKey) {
    return list.map((x) => h('tr', null,
      h('th', { scope: 'row', class: 'cell-main' }, nameOf(x)),
      h('td', { 'data-label': t('mv.dash.eligible') }, num(x.eligible)),
      h('td', { 'data-label': t('mv.dash.registered') }, num(x.registered)),
      h('td', { 'data-label': t('mv.dash.coverage'), class: 'cell-bar' },
        h('progress', { max: Math.max(1, x.eligible), value: x.registered, 'aria-label': t(labelKey, { name: nameOf(x) }) }),
        h('span', { class: 'bar-text' }, percent(x.registered, x.eligible)))));
  }

  drawTypes() {
    const list = this.d.by_type || [];
    return card('dash-types', t('mv.dash.by_type'), null,
      list.length ? table('dash-types', [t('col.type'), t('mv.dash.eligible'), t('mv.dash.registered'), t('mv.dash.coverage')],
        this.coverageRows(list, (x) => word('type', x.type) || t('common.none'), 'mv.dash.bar')) : empty('mv.dash.none'));
  }

  drawProvinces() {
    if (this.covError) return card('dash-provinces', t('mv.dash.by_province'), null, h('p', { class: 'alert' }, msgText(requestError(this.covError))));
    const list = (this.cov.by_province || []).filter((x) => x.eligible > 0);
    return card('dash-provinces', t('mv.dash.by_province'), count(t('mv.dash.provinces_count', { count: list.length })),
      h('details', { class: 'more' },
        h('summary', null, t('mv.dash.show_provinces')),
        table('dash-provinces', [t('col.province'), t('mv.dash.eligible'), t('mv.dash.registered'), t('mv.dash.coverage')],
          this.coverageRows(list, (x) => provinceName(this.ctx, x.province) || t('common.none'), 'mv.dash.bar'))));
  }

  drawMissing() {
    const f = this.filter;
    if (this.covError) return card('dash-missing', t('mv.dash.missing'), null, h('p', { class: 'alert' }, msgText(requestError(this.covError))));
    const cov = this.cov;
    const types = (this.d.by_type || []).map((x) => x.type).filter(Boolean);
    const provinces = [...this.ctx.provinces.values()];
    const option = (value, label, cur) => h('option', { value, selected: value === cur }, label);
    const rows = (cov.units || []).map((u) => h('tr', null,
      h('th', { scope: 'row', class: 'cell-main' }, h('a', { class: 'cell-link', href: workspaceHref(this.code, u.code) }, u.name),
        h('span', { class: 'cell-sub' }, h('span', { class: 'code' }, u.code))),
      h('td', { 'data-label': t('col.type') }, word('type', u.type)),
      h('td', { 'data-label': t('col.province') }, provinceName(this.ctx, u.province) || t('common.none'))));
    const go = (offset) => {
      const qs = new URLSearchParams();
      const type = (this.find('missing', 'dm-type') || { value: f.type }).value;
      const province = (this.find('missing', 'dm-province') || { value: f.province }).value;
      if (type) qs.set('type', type);
      if (province) qs.set('province', province);
      if (offset) qs.set('offset', String(offset));
      const s = qs.toString();
      location.hash = `${campHref(this.code, 'dashboard')}${s ? `?${s}` : ''}`;
    };
    return card('dash-missing', t('mv.dash.missing'), count(t('mv.dash.missing_count', { count: cov.not_registered })),
      h('form', { class: 'filters', role: 'search', 'aria-labelledby': 'dash-missing', novalidate: true, onsubmit: (e) => { e.preventDefault(); go(0); } },
        h('div', { class: 'field' }, h('label', { for: 'dm-type' }, t('col.type')),
          h('select', { id: 'dm-type' }, option('', t('cred.filter.all'), f.type), types.map((ty) => option(ty, word('type', ty), f.type)))),
        h('div', { class: 'field' }, h('label', { for: 'dm-province' }, t('col.province')),
          h('select', { id: 'dm-province' }, option('', t('cred.filter.all'), f.province),
            provinces.map((p) => option(p.code, currentLang() === 'en' ? (p.name_en || p.name) : p.name, f.province)))),
        h('div', { class: 'filters__actions' }, h('button', { type: 'submit', class: 'button button--primary' }, t('cred.filter.apply')))),
      rows.length ? table('dash-missing', [t('col.name'), t('col.type'), t('col.province')], rows) : empty('mv.dash.all_registered'),
      (f.offset > 0 || cov.next_offset !== null) ? h('nav', { class: 'pager', 'aria-label': t('cred.pages') },
        f.offset > 0 ? h('button', { type: 'button', class: 'button button--secondary', onclick: () => go(Math.max(0, f.offset - COVER_PAGE)) }, t('cred.prev')) : null,
        h('span', { class: 'pager__page' }, t('cred.page', { n: Math.floor(f.offset / COVER_PAGE) + 1 })),
        cov.next_offset !== null ? h('button', { type: 'button', class: 'button button--secondary', onclick: () => go(cov.next_offset) }, t('cred.next')) : null) : null);
  }

  drawReports() {
    const rs = this.d.reports || [];
    const periods = [...new Set(rs.map((r) => r.period))].sort().reverse();
    const countOf = (p, s) => (rs.find((r) => r.period === p && r.status === s) || { count: 0 }).count;
    const grid = periods.length
      ? table('dash-reports', [t('mv.col.period'), ...STATUSES.map((s) => word('mv.rstatus', s))], periods.map((p) => h('tr', null,
        h('th', { scope: 'row', class: 'cell-main' }, p),
        STATUSES.map((s) => h('td', { 'data-label': word('mv.rstatus', s) }, num(countOf(p, s)))))))
      : empty('mv.dash.no_reports');
    const q = this.queue;
    const queue = q === null ? null : (q.length
      ? h('div', null, h('h3', { class: 'subhead', id: 'dash-queue' }, t('mv.dash.queue')),
        table('dash-queue', [t('col.unit'), t('mv.col.period'), t('mv.col.version'), t('mv.col.updated')], q.map((r) => h('tr', null,
          h('th', { scope: 'row', class: 'cell-main' }, h('a', { class: 'cell-link', href: reportHref(this.code, r.unit, r.period) }, r.name),
            h('span', { class: 'cell-sub' }, h('span', { class: 'code' }, r.unit))),
          h('td', { 'data-label': t('mv.col.period') }, r.period),
          h('td', { 'data-label': t('mv.col.version') }, num(r.version)),
          h('td', { 'data-label': t('mv.col.updated'), class: 'cell-nowrap' }, time(r.updated_at))))))
      : h('p', { class: 'card__empty' }, t('mv.dash.queue_empty')));
    return card('dash-reports', t('mv.dash.reports'), null, grid, queue);
  }

  drawInitiatives() {
    const i = this.d.initiatives || {};
    const items = [['submitted', 'mv.dash.init_submitted'], ['recognised', 'mv.dash.init_recognised'], ['adoptions_elsewhere', 'mv.dash.init_adoptions']];
    return card('dash-initiatives', t('mv.dash.initiatives'), h('a', { href: '#/initiatives', class: 'card__link' }, t('mv.dash.open_initiatives')),
      h('dl', { class: 'stats' }, items.map(([k, label]) => h('div', { class: 'stats__item' }, h('dt', null, t(label)), h('dd', null, num(i[k]))))));
  }

  drawRounds() {
    const list = this.d.rounds || [];
    if (!list.length) return card('dash-rounds', t('mv.dash.rounds'), null, empty('mv.dash.no_rounds'));
    const rows = list.map((r) => h('tr', null,
      h('th', { scope: 'row', class: 'cell-main' }, h('a', { class: 'cell-link', href: roundHref(this.code, r.code) }, r.name),
        h('span', { class: 'cell-sub' }, h('span', { class: 'code' }, r.code))),
      h('td', { 'data-label': t('mv.col.stage') }, word('mv.stage', r.stage)),
      h('td', { 'data-label': t('col.status') }, pill(r.status === 'open' ? 'active' : 'closed', word('mv.round_status', r.status))),
      h('td', { 'data-label': t('mv.col.entries') }, num(r.entries)),
      h('td', { 'data-label': t('mv.col.progress'), class: 'cell-bar' },
        h('progress', { max: Math.max(1, r.assignments), value: r.submitted, 'aria-label': t('mv.dash.round_bar', { name: r.name }) }),
        h('span', { class: 'bar-text' }, t('mv.dash.scorecards', { n: r.submitted, total: r.assignments })))));
    return card('dash-rounds', t('mv.dash.rounds'), count(t('mv.dash.rounds_count', { count: list.length })),
      table('dash-rounds', [t('mv.col.round'), t('mv.col.stage'), t('col.status'), t('mv.col.entries'), t('mv.col.progress')], rows));
  }

  drawNewRound() {
    const r = this.r;
    const e = r.errors;
    const clear = (k, id) => () => this.clearError(r, k, 'newRound', id);
    return card('dash-new-round', t('mv.round.create'), null,
      h('p', { class: 'card__intro' }, t('mv.round.create_intro')),
      message(r.msg),
      h('form', { class: 'form', novalidate: true, 'aria-labelledby': 'dash-new-round', onsubmit: (ev) => this.onCreateRound(ev) },
        h('div', { class: 'field-row' },
          field({ id: 'nr-code', label: t('mv.round.code'), error: e.code, input: { type: 'text', autocomplete: 'off', spellcheck: 'false', required: true, oninput: clear('code', 'nr-code') } }),
          field({ id: 'nr-name', label: t('mv.round.name'), error: e.name, input: { type: 'text', autocomplete: 'off', required: true, oninput: clear('name', 'nr-name') } })),
        h('div', { class: 'field-row' },
          field({ id: 'nr-stage', control: 'select', label: t('mv.col.stage'), children: STAGES.map((s) => h('option', { value: s, selected: s === 'scoring' }, word('mv.stage', s))) }),
          field({ id: 'nr-per', label: t('mv.round.per_entry'), error: e.per, input: { type: 'number', min: 3, max: 15, value: 3, inputmode: 'numeric', oninput: clear('per', 'nr-per') } })),
        h('div', { class: 'field field--check' },
          h('input', { type: 'checkbox', id: 'nr-blind' }), h('label', { for: 'nr-blind' }, t('mv.round.blind'))),
        field({ id: 'nr-chair', label: t('mv.round.chair'), hint: t('mv.round.chair_hint'), error: e.chair, input: { type: 'text', autocomplete: 'off', spellcheck: 'false', autocapitalize: 'none', oninput: clear('chair', 'nr-chair') } }),
        field({ id: 'nr-members', control: 'textarea', label: t('mv.round.members'), hint: t('mv.round.members_hint'), error: e.members, input: { rows: 3, spellcheck: 'false', autocapitalize: 'none', oninput: clear('members', 'nr-members') } }),
        field({ id: 'nr-entries', control: 'textarea', label: t('mv.round.entries'), hint: t('mv.round.entries_hint'), input: { rows: 2, spellcheck: 'false', autocapitalize: 'characters' } }),
        h('div', { class: 'form__actions' },
          h('button', { type: 'submit', class: 'button button--primary', id: 'nr-submit', 'aria-disabled': r.busy ? 'true' : null }, t(r.busy ? 'mv.round.creating' : 'mv.round.create_submit')))));
  }

  async onCreateRound(ev) {
    ev.preventDefault();
    const r = this.r;
    if (r.busy) return;
    const val = (id) => (this.find('newRound', id) || { value: '' }).value.trim();
    const words = (s) => s.split(/[\s,;]+/).map((x) => x.trim()).filter(Boolean);
    const body = {
      code: val('nr-code'), name: val('nr-name'), stage: val('nr-stage'),
      blind: Boolean((this.find('newRound', 'nr-blind') || {}).checked),
      reviewers_per_entry: Number(val('nr-per')) || 3,
      members: [],
    };
    const chair = val('nr-chair');
    const members = words(val('nr-members')).filter((m) => m !== chair);
    const entries = words(val('nr-entries'));
    r.errors = {};
    r.msg = null;
    if (!body.code) r.errors.code = { key: 'mv.round.error.code' };
    if (!body.name) r.errors.name = { key: 'mv.round.error.name' };
    if (!chair) r.errors.chair = { key: 'mv.round.error.chair' };
    if (members.length < 2) r.errors.members = { key: 'mv.round.error.members' };
    const order = [['code', 'nr-code'], ['name', 'nr-name'], ['chair', 'nr-chair'], ['members', 'nr-members']];
    const first = order.find(([k]) => r.errors[k]);
    if (first) {
      if (this.redraw('newRound')) this.focus('newRound', first[1]);
      return;
    }
    body.members = [{ username: chair, role: 'chair' }, ...members.map((username) => ({ username, role: 'member' }))];
    if (entries.length) body.entries = entries;
    r.busy = true;
    setBusy(this.find('newRound', 'nr-submit'), true, 'mv.round.creating');
    let made = null;
    try {
      made = await api.createRound(this.code, body);
    } catch (err) {
      if (err.status === 401) return;
      r.msg = requestError(err);
    } finally {
      r.busy = false;
    }
    if (made) {
      location.hash = roundHref(this.code, made.code);
      return;
    }
    if (this.redraw('newRound')) this.focus('newRound', 'dash-new-round');
    this.say(r.msg);
  }
}
