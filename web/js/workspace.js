// A unit's workspace in the movement (unit admins for their subtree, the Ministry for all):
//   #/movement/{code}/units/{unit}                    register, pledge targets per indicator and phase,
//                                                     the unit's progress reports
//   #/movement/{code}/units/{unit}/reports/{period}   a report: draft values with evidence files,
//                                                     submit; the Ministry accepts or returns it;
//                                                     every submitted version
//   #/initiatives, #/initiatives/{id}                 find, submit and adopt initiatives
// Each view keeps its data and what was typed, so it can be drawn again after a change of language.

import { api, loadFor } from './api.js';
import { h, unitHref } from './dom.js';
import { formatDay, t, word } from './i18n.js';
import {
  ADMINS, MINISTRY, campHref, campaignTabs, card, count, crumb, day, empty, evidenceInput, evidenceLinks,
  failureView, initiativeHref, loc, num, pageHead, pill, reportHref, reportStatus, table, workspaceHref,
} from './movement.js';
import { PartsView, field, message, msgText, requestError, setBusy, time } from './ui.js';

function today() {
  return new Date().toISOString().slice(0, 10);
}

// The report periods of a campaign that have begun: years and half-years, newest first.
export function periodsOf(c) {
  const out = [];
  const now = today();
  const first = Number(c.starts_on.slice(0, 4));
  const last = Math.min(Number(c.ends_on.slice(0, 4)), Number(now.slice(0, 4)));
  for (let y = last; y >= first; y--) {
    for (const [p, from, until] of [[`${y}-S2`, `${y}-07-01`, `${y}-12-31`], [`${y}-S1`, `${y}-01-01`, `${y}-06-30`], [`${y}`, `${y}-01-01`, `${y}-12-31`]]) {
      if (from <= now && until >= c.starts_on && from <= c.ends_on) out.push(p);
    }
  }
  return out;
}

export function periodName(p) {
  const m = /^(\d{4})(?:-S([12]))?$/.exec(p);
  if (!m) return p;
  return m[2] ? t(`mv.period_h${m[2]}`, { year: m[1] }) : t('mv.period_year', { year: m[1] });
}

function inputNumber(v) {
  if (v === '' || v === null || v === undefined) return null;
  const n = Number(String(v).replace(',', '.'));
  return Number.isFinite(n) ? n : NaN;
}

/* ==== the unit's workspace ========================================================================= */

export class WorkspaceView extends PartsView {
  constructor(ctx, code, unit) {
    super(ctx);
    this.code = code;
    this.unit = unit;
    this.c = null;
    this.reg = null;          // the registration, or null before registering
    this.unitInfo = null;
    this.reports = [];
    this.g = { busy: false, msg: null };
    this.p = { busy: false, msg: null, errors: {} };
  }

  async load(signal) {
    try {
      const [c, u] = await Promise.all([api.campaign(this.code, signal), api.unit(this.unit, signal)]);
      this.c = c;
      this.unitInfo = u;
    } catch (e) {
      if (e.name === 'AbortError') throw e;
      this.error = e;
      return false;
    }
    await this.loadRegistration(signal);
    return !this.error;
  }

  async loadRegistration(signal) {
    try {
      this.reg = await api.registration(this.code, this.unit, signal);
      const all = (await api.reports(this.code, {}, signal)).reports || [];
      this.reports = all.filter((r) => r.unit === this.unit);
    } catch (e) {
      if (e.name === 'AbortError') throw e;
      if (e.status === 404) this.reg = null;
      else this.error = e;
    }
  }

  failure() {
    return failureView(this.error, ['unit.notfound_title', 'unit.notfound'], { code: this.unit });
  }

  title() {
    return `${this.unitInfo ? this.unitInfo.name : this.unit} · ${t('mv.ws.title')}`;
  }

  drawers() {
    if (!this.reg) return { register: this.drawRegister };
    return { registered: this.drawRegistered, pledges: this.drawPledges, reports: this.drawReports };
  }

  render(el) {
    const c = this.c;
    this.renderParts(el, pageHead(this.unitInfo.name, t('mv.ws.subtitle', { campaign: loc(c) }), [
      h('a', { class: 'button button--secondary', href: '#/initiatives' }, t('nav.initiatives')),
      h('a', { class: 'button button--secondary', href: campHref(c.code, 'nominations') }, t('mv.tab.nominations')),
    ], [crumb('#/movement', t('mv.title')), crumb(campHref(c.code), c.code), crumb(null, this.unitInfo.name)],
    campaignTabs(this.ctx, c.code, this.ctx.user.unit_code === this.unit ? 'unit' : null)));
  }

  drawRegister() {
    const g = this.g;
    const types = new Set(this.c.participant_types || []);
    const eligible = types.has(this.unitInfo.type);
    return card('ws-register', t('mv.ws.register'), null,
      h('p', { class: 'card__intro' }, t(eligible ? 'mv.ws.register_intro' : 'mv.ws.not_eligible', { type: word('type', this.unitInfo.type) })),
      message(g.msg),
      eligible ? h('div', { class: 'form__actions' },
        h('button', {
          type: 'button', class: 'button button--primary', id: 'ws-register-button', 'aria-disabled': g.busy ? 'true' : null,
          onclick: (e) => this.onRegister(e.currentTarget),
        }, t(g.busy ? 'mv.ws.registering' : 'mv.ws.register_submit'))) : null);
  }

  async onRegister(button) {
    const g = this.g;
    if (g.busy) return;
    g.busy = true;
    setBusy(button, true, 'mv.ws.registering');
    try {
      await api.register(this.code, this.unit);
      g.msg = { key: 'mv.ws.registered_msg', kind: 'success' };
      await this.loadRegistration();
    } catch (e) {
      if (e.status === 401) return;
      g.msg = requestError(e);
    } finally {
      g.busy = false;
    }
    if (!this.el || !this.el.isConnected) return;
    this.render(this.el);
    if (this.reg) {
      this.p.msg = g.msg;
      this.redraw('pledges');
      this.focus('pledges', 'ws-pledges');
    } else {
      this.focus('register', 'ws-register');
    }
    this.say(g.msg);
  }

  drawRegistered() {
    const r = this.reg;
    return card('ws-registered', t('mv.ws.registration'), pill('active', t('mv.ws.is_registered')),
      h('dl', { class: 'facts' },
        h('div', null, h('dt', null, t('mv.ws.registered_at')), h('dd', null, time(r.registered_at))),
        h('div', null, h('dt', null, t('mv.ws.registered_by')), h('dd', null, r.registered_by)),
        h('div', null, h('dt', null, t('col.unit')), h('dd', null, h('a', { href: unitHref(r.unit.code) }, r.unit.name)))));
  }

  drawPledges() {
    const p = this.p;
    const c = this.c;
    const phases = c.phases || [];
    const pledged = new Map((this.reg.pledges || []).map((x) => [`${x.indicator}|${x.phase}`, x]));
    const canEdit = ADMINS.has(this.ctx.user.role);
    const rows = (c.indicators || []).map((ind) => h('tr', null,
      h('th', { scope: 'row', class: 'cell-main', id: `pl-${ind.code}` }, loc(ind),
        h('span', { class: 'cell-sub' }, h('span', { class: 'code' }, ind.code), ' · ', word('mv.iunit', ind.unit))),
      phases.map((ph) => {
        const cur = pledged.get(`${ind.code}|${ph.code}`);
        const id = `pl-${ind.code}-${ph.code}`;
        const err = p.errors[id];
        return h('td', { 'data-label': loc(ph) },
          canEdit
            ? h('span', { class: 'cell-input' },
              h('input', {
                id, type: 'text', inputmode: 'decimal', class: 'input--number', value: cur ? String(cur.target) : '',
                'aria-labelledby': `pl-${ind.code} pl-head-${ph.code}`, 'aria-invalid': err ? 'true' : 'false',
                'aria-describedby': err ? `${id}-error` : null, autocomplete: 'off',
              }),
              err ? h('span', { class: 'field__error', id: `${id}-error` }, msgText(err)) : null)
            : (cur ? num(cur.target, 2) : t('common.none')));
      })));
    return card('ws-pledges', t('mv.ws.pledges'), count(t('mv.ws.pledges_count', { count: pledged.size })),
      h('p', { class: 'card__intro' }, t('mv.ws.pledges_intro')),
      message(p.msg),
      h('form', { novalidate: true, 'aria-labelledby': 'ws-pledges', onsubmit: (e) => this.onPledges(e) },
        h('div', { class: 'table-wrap' },
          h('table', { class: 'data-table pledge-table', 'aria-labelledby': 'ws-pledges' },
            h('thead', null, h('tr', null, h('th', { scope: 'col' }, t('mv.col.indicator')),
              phases.map((ph) => h('th', { scope: 'col', id: `pl-head-${ph.code}` }, loc(ph))))),
            h('tbody', null, rows))),
        canEdit ? h('div', { class: 'form__actions' },
          h('button', { type: 'submit', class: 'button button--primary', id: 'ws-pledges-submit', 'aria-disabled': p.busy ? 'true' : null },
            t(p.busy ? 'mv.saving' : 'mv.ws.pledges_submit'))) : null));
  }

  async onPledges(e) {
    e.preventDefault();
    const p = this.p;
    if (p.busy) return;
    const old = new Map((this.reg.pledges || []).map((x) => [`${x.indicator}|${x.phase}`, x]));
    const pledges = [];
    p.errors = {};
    p.msg = null;
    for (const ind of this.c.indicators || []) {
      for (const ph of this.c.phases || []) {
        const id = `pl-${ind.code}-${ph.code}`;
        const v = inputNumber((this.find('pledges', id) || { value: '' }).value.trim());
        if (v === null) continue;
        if (Number.isNaN(v)) {
          p.errors[id] = { key: 'mv.error.number' };
          continue;
        }
        const prev = old.get(`${ind.code}|${ph.code}`);
        pledges.push({ indicator: ind.code, phase: ph.code, target: v, ...(prev && prev.note ? { note: prev.note } : {}) });
      }
    }
    const firstError = Object.keys(p.errors)[0];
    if (firstError) {
      if (this.redraw('pledges')) this.focus('pledges', firstError);
      return;
    }
    p.busy = true;
    setBusy(this.find('pledges', 'ws-pledges-submit'), true, 'mv.saving');
    try {
      this.reg = await api.putPledges(this.code, this.unit, pledges);
      p.msg = { key: 'mv.ws.pledges_saved', params: { count: pledges.length }, kind: 'success' };
    } catch (err) {
      if (err.status === 401) return;
      p.msg = err.status === 400 ? { text: t('mv.ws.pledges_refused', { why: err.message }), kind: 'error' } : requestError(err);
    } finally {
      p.busy = false;
    }
    const ids = (this.c.indicators || []).flatMap((ind) => (this.c.phases || []).map((ph) => `pl-${ind.code}-${ph.code}`));
    if (this.redraw('pledges', p.msg && p.msg.kind === 'success' ? ids : [])) this.focus('pledges', 'ws-pledges');
    this.say(p.msg);
  }

  drawReports() {
    const list = this.reports;
    const periods = periodsOf(this.c);
    const go = (e) => {
      e.preventDefault();
      const p = (this.find('reports', 'ws-period') || { value: '' }).value;
      if (p) location.hash = reportHref(this.code, this.unit, p);
    };
    const rows = list.map((r) => h('tr', null,
      h('th', { scope: 'row', class: 'cell-main' }, h('a', { class: 'cell-link', href: reportHref(this.code, this.unit, r.period) }, periodName(r.period))),
      h('td', { 'data-label': t('col.status') }, reportStatus(r.status)),
      h('td', { 'data-label': t('mv.col.version') }, num(r.version)),
      h('td', { 'data-label': t('mv.col.updated'), class: 'cell-nowrap' }, time(r.updated_at))));
    return card('ws-reports', t('mv.ws.reports'), count(t('mv.ws.reports_count', { count: list.length })),
      rows.length ? table('ws-reports', [t('mv.col.period'), t('col.status'), t('mv.col.version'), t('mv.col.updated')], rows) : empty('mv.ws.no_reports'),
      ADMINS.has(this.ctx.user.role) && periods.length ? h('form', { class: 'filters', novalidate: true, onsubmit: go, 'aria-label': t('mv.ws.open_report') },
        h('div', { class: 'field' }, h('label', { for: 'ws-period' }, t('mv.ws.period')),
          h('select', { id: 'ws-period' }, periods.map((p) => h('option', { value: p }, periodName(p))))),
        h('div', { class: 'filters__actions' }, h('button', { type: 'submit', class: 'button button--primary', id: 'ws-open-report' }, t('mv.ws.open_report')))) : null);
  }
}

/* ==== one report =================================================================================== */

export class ReportView extends PartsView {
  constructor(ctx, code, unit, period) {
    super(ctx);
    Object.assign(this, { code, unit, period });
    this.c = null;
    this.rep = null;          // the report, or null before its first draft
    this.values = new Map();  // indicator → { value, note, evidence } being edited
    this.names = new Map();   // sha256 → file name, for files uploaded on this page
    this.versions = new Map(); // n → version content, once opened
    this.d = { busy: null, msg: null, errors: {} };
    this.m = { busy: null, msg: null, error: null };
  }

  async load(signal) {
    this.c = await loadFor(this, () => api.campaign(this.code, signal));
    if (this.c === undefined) return false;
    try {
      this.setReport(await api.report(this.code, this.unit, this.period, signal));
    } catch (e) {
      if (e.name === 'AbortError') throw e;
      if (e.status !== 404) {
        this.error = e;
        return false;
      }
      this.setReport(null);
    }
    return true;
  }

  setReport(rep) {
    this.rep = rep;
    this.values = new Map(((rep && rep.draft) || []).map((v) => [v.indicator, { value: v.value, note: v.note || '', evidence: [...(v.evidence || [])] }]));
  }

  failure() {
    return failureView(this.error, ['mv.rep.notfound_title', 'mv.rep.notfound'], { code: this.unit });
  }

  title() {
    return `${periodName(this.period)} · ${this.unit}`;
  }

  manual() {
    return (this.c.indicators || []).filter((i) => i.kind === 'manual');
  }

  editable() {
    const s = this.rep ? this.rep.status : 'draft';
    return ADMINS.has(this.ctx.user.role) && (s === 'draft' || s === 'returned');
  }

  drawers() {
    const d = { status: this.drawStatus };
    if (this.editable()) d.draft = this.drawDraft;
    if (this.rep && this.rep.status === 'submitted' && this.ctx.user.role === MINISTRY) d.review = this.drawReview;
    if (this.rep && this.rep.current) d.current = this.drawCurrent;
    if (this.rep && this.rep.versions.length) d.versions = this.drawVersions;
    return d;
  }

  render(el) {
    this.renderParts(el, pageHead(t('mv.rep.title', { period: periodName(this.period) }), this.unit, null, [
      crumb('#/movement', t('mv.title')), crumb(campHref(this.code), this.code),
      crumb(workspaceHref(this.code, this.unit), this.unit), crumb(null, periodName(this.period)),
    ]));
  }

  drawStatus() {
    const r = this.rep;
    const facts = [
      ['col.status', r ? reportStatus(r.status) : pill('closed', t('mv.rep.new'))],
      ['mv.col.period', r ? `${formatDay(r.from)} – ${formatDay(r.until)}` : periodName(this.period)],
      ['mv.col.version', num(r ? r.version : 0)],
    ];
    return card('rep-status', t('mv.rep.status'), null,
      r && r.comment ? h('div', { class: r.status === 'returned' ? 'alert alert--warning' : 'notice', id: 'rep-comment' },
        h('p', { class: 'alert__title' }, t(r.status === 'returned' ? 'mv.rep.returned_comment' : 'mv.rep.comment')), h('p', null, r.comment)) : null,
      h('dl', { class: 'facts' }, facts.map(([k, v]) => h('div', null, h('dt', null, t(k)), h('dd', null, v)))));
  }

  // What is typed in the draft, into this.values (before a redraw or a save).
  collect() {
    for (const ind of this.manual()) {
      const v = this.values.get(ind.code) || { value: null, note: '', evidence: [] };
      const val = this.find('draft', `rv-${ind.code}-value`);
      const note = this.find('draft', `rv-${ind.code}-note`);
      if (val) v.value = val.value.trim() === '' ? null : val.value.trim();
      if (note) v.note = note.value.trim();
      this.values.set(ind.code, v);
    }
  }

  drawDraft() {
    const d = this.d;
    const blocks = this.manual().map((ind) => {
      const v = this.values.get(ind.code) || { value: null, note: '', evidence: [] };
      const id = `rv-${ind.code}`;
      const err = d.errors[ind.code];
      return h('fieldset', { class: 'indicator', 'aria-describedby': err ? `${id}-error` : null },
        h('legend', { class: 'indicator__name' }, loc(ind), ' ', h('span', { class: 'code' }, ind.code)),
        h('p', { class: 'field__hint' }, word('mv.iunit', ind.unit), ' · ', word('mv.iperiod', ind.period)),
        err ? h('p', { class: 'field__error', id: `${id}-error` }, msgText(err)) : null,
        h('div', { class: 'field-row' },
          field({ id: `${id}-value`, label: t('mv.rep.value'), input: { type: 'text', inputmode: 'decimal', class: 'input--number', value: v.value === null ? '' : String(v.value), autocomplete: 'off' } }),
          field({ id: `${id}-note`, label: t('mv.rep.note'), input: { type: 'text', value: v.note || '', maxlength: 1000, autocomplete: 'off' } })),
        h('div', { class: 'indicator__evidence' },
          h('p', { class: 'indicator__label', id: `${id}-files` }, t('mv.rep.files', { count: v.evidence.length })),
          v.evidence.length ? h('ul', { class: 'evidence-list', 'aria-labelledby': `${id}-files` }, v.evidence.map((sha) => h('li', null,
            h('a', { href: `/api/v1/evidence/${sha}`, class: 'evidence-link', download: this.names.get(sha) || '' },
              h('span', { class: 'evidence-link__icon', 'aria-hidden': 'true' }), this.names.get(sha) || t('mv.evidence.file', { sha: sha.slice(0, 12) })),
            ' ',
            h('button', { type: 'button', class: 'button button--secondary button--small', onclick: () => this.removeFile(ind.code, sha) },
              t('mv.rep.remove_file'), h('span', { class: 'visually-hidden' }, ` ${this.names.get(sha) || sha.slice(0, 12)}`))))) : null,
          evidenceInput({
            id: `${id}-file`, label: t('mv.rep.add_file', { name: loc(ind) }), unit: this.unit, say: (m) => this.say(m),
            onUploaded: (rec) => this.addFile(ind.code, rec),
          })));
    });
    return card('rep-draft', t(this.rep && this.rep.status === 'returned' ? 'mv.rep.correct' : 'mv.rep.draft'), null,
      h('p', { class: 'card__intro' }, t('mv.rep.draft_intro')),
      message(d.msg),
      h('form', { class: 'form', novalidate: true, 'aria-labelledby': 'rep-draft', onsubmit: (e) => { e.preventDefault(); this.onSave(false); } },
        blocks.length ? blocks : empty('mv.rep.no_manual'),
        h('div', { class: 'form__actions' },
          h('button', { type: 'submit', class: 'button button--secondary', id: 'rep-save', 'aria-disabled': d.busy ? 'true' : null }, t(d.busy === 'save' ? 'mv.saving' : 'mv.rep.save')),
          h('button', { type: 'button', class: 'button button--primary', id: 'rep-submit', 'aria-disabled': d.busy ? 'true' : null, onclick: () => this.onSave(true) },
            t(d.busy === 'submit' ? 'mv.rep.submitting' : 'mv.rep.submit')))));
  }

  addFile(indicator, rec) {
    this.collect();
    this.names.set(rec.sha256, rec.name);
    const v = this.values.get(indicator);
    if (!v.evidence.includes(rec.sha256)) v.evidence.push(rec.sha256);
    delete this.d.errors[indicator];
    const ids = this.manual().flatMap((i) => [`rv-${i.code}-value`, `rv-${i.code}-note`]);
    if (this.redraw('draft', ids)) this.focus('draft', `rv-${indicator}-file-button`);
  }

  removeFile(indicator, sha) {
    this.collect();
    const v = this.values.get(indicator);
    v.evidence = v.evidence.filter((x) => x !== sha);
    const ids = this.manual().flatMap((i) => [`rv-${i.code}-value`, `rv-${i.code}-note`]);
    if (this.redraw('draft', ids)) this.focus('draft', `rv-${indicator}-file-button`);
    this.say({ key: 'mv.rep.file_removed' });
  }

  async onSave(submit) {
    const d = this.d;
    if (d.busy) return;
    this.collect();
    d.errors = {};
    d.msg = null;
    const values = [];
    for (const ind of this.manual()) {
      const v = this.values.get(ind.code);
      const n = inputNumber(v.value);
      if (Number.isNaN(n)) d.errors[ind.code] = { key: 'mv.error.number' };
      else if (submit && n === null && v.evidence.length) d.errors[ind.code] = { key: 'mv.rep.error.value' };
      else if (submit && n !== null && !v.evidence.length) d.errors[ind.code] = { key: 'mv.rep.error.evidence' };
      if (n === null && !v.evidence.length && !v.note) continue;
      values.push({ indicator: ind.code, value: Number.isNaN(n) ? null : n, ...(v.note ? { note: v.note } : {}), evidence: v.evidence });
    }
    if (submit && !values.length) d.msg = { key: 'mv.rep.error.empty', kind: 'error' };
    const ids = this.manual().flatMap((i) => [`rv-${i.code}-value`, `rv-${i.code}-note`]);
    const first = Object.keys(d.errors)[0];
    if (first || d.msg) {
      if (this.redraw('draft', ids)) this.focus('draft', first ? `rv-${first}-value` : 'rep-draft');
      this.say(d.msg);
      return;
    }
    d.busy = submit ? 'submit' : 'save';
    setBusy(this.find('draft', submit ? 'rep-submit' : 'rep-save'), true, submit ? 'mv.rep.submitting' : 'mv.saving');
    let done = false;
    try {
      let rep = await api.saveReport(this.code, this.unit, this.period, values);
      if (submit) rep = await api.reportAction(this.code, this.unit, this.period, 'submit');
      this.setReport(rep);
      d.msg = { key: submit ? 'mv.rep.submitted' : 'mv.rep.saved', params: { n: rep.version }, kind: 'success' };
      done = true;
    } catch (err) {
      if (err.status === 401) return;
      d.msg = err.status === 400 || err.status === 409 ? { text: t('mv.rep.refused', { why: err.message }), kind: 'error' } : requestError(err);
    } finally {
      d.busy = null;
    }
    if (!this.el || !this.el.isConnected) return;
    if (done && submit) {
      this.render(this.el);
      this.m.msg = null;
      const target = this.parts.status;
      const live = d.msg;
      if (target) {
        target.insertBefore(message(live), target.querySelector('dl'));
        this.focus('status', 'rep-status');
      }
      this.say(live);
      return;
    }
    if (this.redraw('draft', done ? ids : [])) this.focus('draft', 'rep-draft');
    this.say(d.msg);
  }

  drawReview() {
    const m = this.m;
    return card('rep-review', t('mv.rep.review'), null,
      h('p', { class: 'card__intro' }, t('mv.rep.review_intro')),
      message(m.msg),
      h('form', { class: 'form', novalidate: true, 'aria-labelledby': 'rep-review', onsubmit: (e) => e.preventDefault() },
        field({ id: 'rep-review-comment', control: 'textarea', label: t('mv.rep.review_comment'), hint: t('mv.rep.review_hint'), error: m.error, input: { rows: 3, maxlength: 2000 } }),
        h('div', { class: 'form__actions' },
          h('button', { type: 'button', class: 'button button--primary', id: 'rep-accept', 'aria-disabled': m.busy ? 'true' : null, onclick: () => this.onReview('accept') },
            t(m.busy === 'accept' ? 'mv.rep.accepting' : 'mv.rep.accept')),
          h('button', { type: 'button', class: 'button button--danger', id: 'rep-return', 'aria-disabled': m.busy ? 'true' : null, onclick: () => this.onReview('return') },
            t(m.busy === 'return' ? 'mv.rep.returning' : 'mv.rep.return')))));
  }

  async onReview(action) {
    const m = this.m;
    if (m.busy) return;
    const comment = (this.find('review', 'rep-review-comment') || { value: '' }).value.trim();
    m.error = null;
    m.msg = null;
    if (action === 'return' && comment.length < 2) {
      m.error = { key: 'mv.rep.error.comment' };
      if (this.redraw('review')) this.focus('review', 'rep-review-comment');
      return;
    }
    m.busy = action;
    setBusy(this.find('review', action === 'accept' ? 'rep-accept' : 'rep-return'), true, action === 'accept' ? 'mv.rep.accepting' : 'mv.rep.returning');
    let ok = false;
    try {
      this.setReport(await api.reportAction(this.code, this.unit, this.period, action, comment ? { comment } : {}));
      ok = true;
    } catch (err) {
      if (err.status === 401) return;
      m.msg = requestError(err);
    } finally {
      m.busy = null;
    }
    if (!this.el || !this.el.isConnected) return;
    if (ok) {
      const msg = { key: action === 'accept' ? 'mv.rep.accepted' : 'mv.rep.returned', kind: 'success' };
      this.render(this.el);
      const target = this.parts.status;
      if (target) target.insertBefore(message(msg), target.querySelector('dl'));
      this.focus('status', 'rep-status');
      this.say(msg);
      return;
    }
    if (this.redraw('review')) this.focus('review', 'rep-review');
    this.say(m.msg);
  }

  valuesTable(id, values) {
    const inds = new Map((this.c.indicators || []).map((i) => [i.code, i]));
    const rows = values.map((v) => {
      const ind = inds.get(v.indicator) || { code: v.indicator, name: v.indicator };
      return h('tr', null,
        h('th', { scope: 'row', class: 'cell-main' }, loc(ind), h('span', { class: 'cell-sub' }, h('span', { class: 'code' }, v.indicator))),
        h('td', { 'data-label': t('mv.rep.value') }, v.value === null || v.value === undefined ? t('mv.rep.no_data') : `${num(v.value, 2)} ${word('mv.iunit_short', ind.unit)}`.trim(),
          v.note ? h('span', { class: 'cell-sub' }, v.note) : null),
        h('td', { 'data-label': t('mv.rep.source') }, v.computed ? t('mv.rep.computed') : t('mv.rep.reported')),
        h('td', { 'data-label': t('mv.rep.evidence') }, v.computed ? t('common.none') : evidenceLinks(v.evidence, this.names)));
    });
    return table(id, [t('mv.col.indicator'), t('mv.rep.value'), t('mv.rep.source'), t('mv.rep.evidence')], rows);
  }

  drawCurrent() {
    const cur = this.rep.current;
    return card('rep-current', t('mv.rep.current', { n: cur.version }), h('span', { class: 'card__count' }, time(cur.submitted_at)),
      h('p', { class: 'card__intro' }, t('mv.rep.submitted_by', { who: cur.submitted_by })),
      this.valuesTable('rep-current', cur.values || []));
  }

  drawVersions() {
    const list = [...this.rep.versions].reverse();
    return card('rep-versions', t('mv.rep.versions'), count(t('mv.rep.versions_count', { count: list.length })),
      h('ul', { class: 'plain-list versions' }, list.map((v) => {
        const loaded = this.versions.get(v.version);
        const det = h('details', { class: 'more', open: Boolean(loaded) },
          h('summary', null, t('mv.rep.version', { n: v.version }), ' · ', time(v.submitted_at), ' · ', v.submitted_by),
          loaded ? this.valuesTable(`rep-v${v.version}`, loaded.values || []) : h('p', { class: 'loading-line' }, t('app.loading')));
        det.addEventListener('toggle', async () => {
          if (!det.open || this.versions.has(v.version)) return;
          try {
            this.versions.set(v.version, await api.reportVersion(this.code, this.unit, this.period, v.version));
          } catch (e) {
            if (e.status === 401) return;
            det.querySelector('.loading-line').textContent = msgText(requestError(e));
            return;
          }
          this.redraw('versions');
        });
        return h('li', null, det);
      })));
  }
}

/* ==== initiatives ====================================================================================== */

const SCOPES = ['unit', 'province', 'ministry', 'nation'];

export class InitiativesView extends PartsView {
  constructor(ctx, query) {
    super(ctx);
    this.q = { q: query.get('q') || '', scope: SCOPES.includes(query.get('scope')) ? query.get('scope') : '', recognised: ['true', 'false'].includes(query.get('recognised')) ? query.get('recognised') : '' };
    this.items = null;
    this.f = { busy: false, msg: null, errors: {}, evidence: [], names: new Map() };
  }

  async load(signal) {
    const q = this.q;
    this.items = (await api.initiatives({ q: q.q || undefined, scope: q.scope || undefined, recognised: q.recognised || undefined, limit: 100 }, signal)).initiatives || [];
    return true;
  }

  failure() {
    return failureView(this.error);
  }

  title() {
    return t('mv.init.title');
  }

  drawers() {
    const d = { search: this.drawSearch, list: this.drawList };
    if (ADMINS.has(this.ctx.user.role)) d.create = this.drawCreate;
    return d;
  }

  render(el) {
    this.renderParts(el, pageHead(t('mv.init.title'), t('mv.init.intro'), null, [crumb('#/movement', t('mv.title')), crumb(null, t('mv.init.title'))]));
  }

  drawSearch() {
    const q = this.q;
    const option = (value, label, cur) => h('option', { value, selected: value === cur }, label);
    const onSubmit = (e) => {
      e.preventDefault();
      const qs = new URLSearchParams();
      for (const id of ['q', 'scope', 'recognised']) {
        const v = (this.find('search', `is-${id}`) || { value: '' }).value.trim();
        if (v) qs.set(id, v);
      }
      const s = qs.toString();
      const next = `#/initiatives${s ? `?${s}` : ''}`;
      if (location.hash === next) window.dispatchEvent(new HashChangeEvent('hashchange'));
      else location.hash = next;
    };
    return card('init-search', t('mv.init.search'), null,
      h('form', { class: 'filters', role: 'search', novalidate: true, 'aria-labelledby': 'init-search', onsubmit: onSubmit },
        h('div', { class: 'field' }, h('label', { for: 'is-q' }, t('mv.init.q')),
          h('input', { id: 'is-q', type: 'search', value: q.q, autocomplete: 'off', 'aria-describedby': 'is-q-hint' }),
          h('p', { class: 'field__hint', id: 'is-q-hint' }, t('mv.init.q_hint'))),
        h('div', { class: 'field' }, h('label', { for: 'is-scope' }, t('mv.init.scope')),
          h('select', { id: 'is-scope' }, option('', t('cred.filter.all'), q.scope), SCOPES.map((s) => option(s, word('mv.scope', s), q.scope)))),
        h('div', { class: 'field' }, h('label', { for: 'is-recognised' }, t('mv.init.recognised')),
          h('select', { id: 'is-recognised' }, option('', t('cred.filter.all'), q.recognised),
            option('true', t('mv.init.recognised_yes'), q.recognised), option('false', t('mv.init.recognised_no'), q.recognised))),
        h('div', { class: 'filters__actions' }, h('button', { type: 'submit', class: 'button button--primary', id: 'is-apply' }, t('mv.init.search_submit')))));
  }

  drawList() {
    const list = this.items;
    const rows = list.map((i) => h('tr', null,
      h('th', { scope: 'row', class: 'cell-main' }, h('a', { class: 'cell-link', href: initiativeHref(i.id) }, i.title),
        i.authors && i.authors.length ? h('span', { class: 'cell-sub' }, i.authors.join(', ')) : null),
      h('td', { 'data-label': t('col.unit') }, i.unit.name),
      h('td', { 'data-label': t('mv.init.recognition') }, i.recognition ? pill('active', word('mv.scope', i.recognition.scope)) : pill('closed', t('mv.init.not_recognised'))),
      h('td', { 'data-label': t('mv.init.adoptions') }, num(i.adoptions)),
      h('td', { 'data-label': t('col.created'), class: 'cell-nowrap' }, day(i.created_at))));
    return card('init-list', t('mv.init.list'), count(t('mv.init.count', { count: list.length })),
      rows.length ? table('init-list', [t('mv.init.col_title'), t('col.unit'), t('mv.init.recognition'), t('mv.init.adoptions'), t('col.created')], rows) : empty('mv.init.none'));
  }

  drawCreate() {
    const f = this.f;
    const e = f.errors;
    const clear = (k, id) => () => this.clearError(f, k, 'create', id);
    const unit = this.ctx.user.unit_code || '';
    return card('init-create', t('mv.init.create'), null,
      h('p', { class: 'card__intro' }, t('mv.init.create_intro')),
      message(f.msg),
      h('form', { class: 'form', novalidate: true, 'aria-labelledby': 'init-create', onsubmit: (ev) => this.onCreate(ev) },
        field({ id: 'ic-unit', label: t('col.unit'), hint: t('mv.init.unit_hint'), error: e.unit, input: { type: 'text', value: unit, autocapitalize: 'characters', spellcheck: 'false', autocomplete: 'off', oninput: clear('unit', 'ic-unit') } }),
        field({ id: 'ic-title', label: t('mv.init.col_title'), error: e.title, input: { type: 'text', maxlength: 300, autocomplete: 'off', oninput: clear('title', 'ic-title') } }),
        field({ id: 'ic-authors', label: t('mv.init.authors'), hint: t('mv.init.authors_hint'), input: { type: 'text', autocomplete: 'off' } }),
        field({ id: 'ic-problem', control: 'textarea', label: t('mv.init.problem'), error: e.problem, input: { rows: 3, oninput: clear('problem', 'ic-problem') } }),
        field({ id: 'ic-solution', control: 'textarea', label: t('mv.init.solution'), error: e.solution, input: { rows: 3, oninput: clear('solution', 'ic-solution') } }),
        field({ id: 'ic-results', control: 'textarea', label: t('mv.init.results'), error: e.results, input: { rows: 3, oninput: clear('results', 'ic-results') } }),
        h('div', { class: 'indicator__evidence' },
          h('p', { class: 'indicator__label' }, t('mv.rep.files', { count: f.evidence.length })),
          f.evidence.length ? evidenceLinks(f.evidence, f.names) : null,
          evidenceInput({
            id: 'ic-file', label: t('mv.init.add_file'), unit: () => (this.find('create', 'ic-unit') || { value: unit }).value.trim(), say: (m) => this.say(m),
            onUploaded: (rec) => {
              f.evidence.push(rec.sha256);
              f.names.set(rec.sha256, rec.name);
              delete f.errors.evidence;
              if (this.redraw('create')) this.focus('create', 'ic-file-button');
            },
          }),
          e.evidence ? h('p', { class: 'field__error', id: 'ic-evidence-error' }, msgText(e.evidence)) : null),
        h('div', { class: 'form__actions' },
          h('button', { type: 'submit', class: 'button button--primary', id: 'ic-submit', 'aria-disabled': f.busy ? 'true' : null }, t(f.busy ? 'mv.init.submitting' : 'mv.init.submit')))));
  }

  async onCreate(ev) {
    ev.preventDefault();
    const f = this.f;
    if (f.busy) return;
    const val = (id) => (this.find('create', id) || { value: '' }).value.trim();
    const body = {
      unit: val('ic-unit'), title: val('ic-title'), problem: val('ic-problem'), solution: val('ic-solution'), results: val('ic-results'),
      authors: val('ic-authors').split(/[,;\n]/).map((x) => x.trim()).filter(Boolean), evidence: f.evidence,
    };
    f.errors = {};
    f.msg = null;
    if (!body.unit) f.errors.unit = { key: 'mv.init.error.unit' };
    if (body.title.length < 3) f.errors.title = { key: 'mv.init.error.title' };
    for (const k of ['problem', 'solution', 'results']) if (body[k].length < 10) f.errors[k] = { key: 'mv.init.error.text' };
    if (!f.evidence.length) f.errors.evidence = { key: 'mv.init.error.evidence' };
    const order = [['unit', 'ic-unit'], ['title', 'ic-title'], ['problem', 'ic-problem'], ['solution', 'ic-solution'], ['results', 'ic-results'], ['evidence', 'ic-file-button']];
    let first = order.find(([k]) => f.errors[k]);
    if (first) {
      if (this.redraw('create')) this.focus('create', first[1]);
      return;
    }
    f.busy = true;
    setBusy(this.find('create', 'ic-submit'), true, 'mv.init.submitting');
    let made = null;
    try {
      made = await api.createInitiative(body);
    } catch (err) {
      if (err.status === 401) return;
      const map = { unit: 'unit', title: 'title', problem: 'problem', solution: 'solution', results: 'results', evidence: 'evidence' };
      if (err.status === 400 && map[err.field]) f.errors[map[err.field]] = { text: err.message };
      else if (err.status === 403 || err.status === 404) f.errors.unit = { text: err.message };
      else f.msg = requestError(err);
    } finally {
      f.busy = false;
    }
    if (made) {
      location.hash = initiativeHref(made.id);
      return;
    }
    first = order.find(([k]) => f.errors[k]);
    if (this.redraw('create')) this.focus('create', first ? first[1] : 'init-create');
    this.say(f.msg);
  }
}

export class InitiativeView extends PartsView {
  constructor(ctx, id) {
    super(ctx);
    this.id = id;
    this.i = null;
    this.a = { busy: false, msg: null, errors: {}, evidence: [], names: new Map() };
    this.r = { busy: false, msg: null, errors: {} };
  }

  async load(signal) {
    this.i = await loadFor(this, () => api.initiative(this.id, signal));
    return this.i !== undefined;
  }

  failure() {
    return failureView(this.error, ['mv.init.notfound_title', 'mv.init.notfound']);
  }

  title() {
    return this.i ? this.i.title : t('mv.init.title');
  }

  drawers() {
    const d = { texts: this.drawTexts, adoptions: this.drawAdoptions };
    const role = this.ctx.user.role;
    if (ADMINS.has(role) && this.ctx.user.unit_code !== this.i.unit.code) d.adopt = this.drawAdopt;
    if (ADMINS.has(role) && !this.i.recognition && this.ctx.user.unit_code !== this.i.unit.code) d.recognise = this.drawRecognise;
    return d;
  }

  render(el) {
    const i = this.i;
    this.renderParts(el, pageHead(i.title, i.unit.name, null, [crumb('#/initiatives', t('mv.init.title')), crumb(null, i.title)]));
  }

  drawTexts() {
    const i = this.i;
    const rec = i.recognition;
    return card('init-texts', t('mv.init.details'), null,
      h('dl', { class: 'facts' },
        h('div', null, h('dt', null, t('col.unit')), h('dd', null, h('a', { href: unitHref(i.unit.code) }, i.unit.name))),
        h('div', null, h('dt', null, t('mv.init.authors')), h('dd', null, i.authors.length ? i.authors.join(', ') : t('mv.init.collective'))),
        h('div', null, h('dt', null, t('mv.init.recognition')), h('dd', null, rec
          ? t('mv.init.recognition_text', { body: rec.body, number: rec.decision_number, date: formatDay(rec.decision_date), scope: word('mv.scope', rec.scope) })
          : t('mv.init.not_recognised'))),
        h('div', null, h('dt', null, t('col.created')), h('dd', null, time(i.created_at)))),
      ...['problem', 'solution', 'results'].map((k) => h('div', { class: 'prose' }, h('h3', { class: 'subhead' }, t(`mv.init.${k}`)), h('p', null, i[k]))),
      h('h3', { class: 'subhead' }, t('mv.rep.evidence')),
      evidenceLinks(i.evidence));
  }

  drawAdoptions() {
    const list = this.i.adopted_by || [];
    const rows = list.map((a) => h('tr', null,
      h('th', { scope: 'row', class: 'cell-main' }, a.name, h('span', { class: 'cell-sub' }, h('span', { class: 'code' }, a.unit))),
      h('td', { 'data-label': t('mv.init.adopted_on'), class: 'cell-nowrap' }, day(a.adopted_on)),
      h('td', { 'data-label': t('mv.rep.note') }, a.note || t('common.none')),
      h('td', { 'data-label': t('mv.rep.evidence') }, evidenceLinks(a.evidence, this.a.names))));
    return card('init-adoptions', t('mv.init.adoptions'), count(t('mv.init.adoptions_count', { count: list.length })),
      message(this.a.msg && this.a.msg.kind === 'success' ? this.a.msg : null),
      rows.length ? table('init-adoptions', [t('col.unit'), t('mv.init.adopted_on'), t('mv.rep.note'), t('mv.rep.evidence')], rows) : empty('mv.init.no_adoptions'));
  }

  drawAdopt() {
    const a = this.a;
    const e = a.errors;
    const unit = this.ctx.user.unit_code || '';
    return card('init-adopt', t('mv.init.adopt'), null,
      h('p', { class: 'card__intro' }, t('mv.init.adopt_intro')),
      message(a.msg && a.msg.kind !== 'success' ? a.msg : null),
      h('form', { class: 'form', novalidate: true, 'aria-labelledby': 'init-adopt', onsubmit: (ev) => this.onAdopt(ev) },
        h('div', { class: 'field-row' },
          field({ id: 'ia-unit', label: t('col.unit'), error: e.unit, input: { type: 'text', value: unit, autocapitalize: 'characters', spellcheck: 'false', autocomplete: 'off' } }),
          field({ id: 'ia-date', label: t('mv.init.adopted_on'), error: e.date, input: { type: 'date', value: today(), max: today() } })),
        field({ id: 'ia-note', control: 'textarea', label: t('mv.rep.note'), input: { rows: 2, maxlength: 2000 } }),
        h('div', { class: 'indicator__evidence' },
          h('p', { class: 'indicator__label' }, t('mv.rep.files', { count: a.evidence.length })),
          a.evidence.length ? evidenceLinks(a.evidence, a.names) : null,
          evidenceInput({
            id: 'ia-file', label: t('mv.init.adopt_file'), unit: () => (this.find('adopt', 'ia-unit') || { value: unit }).value.trim(), say: (m) => this.say(m),
            onUploaded: (rec) => {
              a.evidence.push(rec.sha256);
              a.names.set(rec.sha256, rec.name);
              delete a.errors.evidence;
              if (this.redraw('adopt')) this.focus('adopt', 'ia-file-button');
            },
          }),
          e.evidence ? h('p', { class: 'field__error' }, msgText(e.evidence)) : null),
        h('div', { class: 'form__actions' },
          h('button', { type: 'submit', class: 'button button--primary', id: 'ia-submit', 'aria-disabled': a.busy ? 'true' : null }, t(a.busy ? 'mv.saving' : 'mv.init.adopt_submit')))));
  }

  async onAdopt(ev) {
    ev.preventDefault();
    const a = this.a;
    if (a.busy) return;
    const val = (id) => (this.find('adopt', id) || { value: '' }).value.trim();
    const body = { unit: val('ia-unit'), adopted_on: val('ia-date'), evidence: a.evidence };
    const note = val('ia-note');
    if (note) body.note = note;
    a.errors = {};
    a.msg = null;
    if (!body.unit) a.errors.unit = { key: 'mv.init.error.unit' };
    if (!body.adopted_on) a.errors.date = { key: 'mv.init.error.date' };
    if (!a.evidence.length) a.errors.evidence = { key: 'mv.init.error.evidence' };
    const order = [['unit', 'ia-unit'], ['date', 'ia-date'], ['evidence', 'ia-file-button']];
    const first = order.find(([k]) => a.errors[k]);
    if (first) {
      if (this.redraw('adopt')) this.focus('adopt', first[1]);
      return;
    }
    a.busy = true;
    setBusy(this.find('adopt', 'ia-submit'), true, 'mv.saving');
    let ok = false;
    try {
      this.i = await api.adopt(this.id, body);
      a.msg = { key: 'mv.init.adopted', kind: 'success' };
      a.evidence = [];
      ok = true;
    } catch (err) {
      if (err.status === 401) return;
      a.msg = err.status >= 400 && err.status < 500 ? { text: err.message, kind: 'error' } : requestError(err);
    } finally {
      a.busy = false;
    }
    if (!this.el || !this.el.isConnected) return;
    if (ok) {
      this.render(this.el);
      this.focus('adoptions', 'init-adoptions');
    } else if (this.redraw('adopt')) this.focus('adopt', 'init-adopt');
    this.say(a.msg);
  }

  drawRecognise() {
    const r = this.r;
    const e = r.errors;
    return card('init-recognise', t('mv.init.recognise'), null,
      h('p', { class: 'card__intro' }, t('mv.init.recognise_intro')),
      message(r.msg),
      h('form', { class: 'form', novalidate: true, 'aria-labelledby': 'init-recognise', onsubmit: (ev) => this.onRecognise(ev) },
        field({ id: 'ir-body', label: t('mv.init.body'), error: e.body, input: { type: 'text', autocomplete: 'off' } }),
        h('div', { class: 'field-row' },
          field({ id: 'ir-number', label: t('mv.init.decision_number'), error: e.number, input: { type: 'text', autocomplete: 'off' } }),
          field({ id: 'ir-date', label: t('mv.init.decision_date'), error: e.date, input: { type: 'date', max: today() } })),
        field({ id: 'ir-scope', control: 'select', label: t('mv.init.scope'), children: SCOPES.map((s) => h('option', { value: s }, word('mv.scope', s))) }),
        h('div', { class: 'form__actions' },
          h('button', { type: 'submit', class: 'button button--primary', id: 'ir-submit', 'aria-disabled': r.busy ? 'true' : null }, t(r.busy ? 'mv.saving' : 'mv.init.recognise_submit')))));
  }

  async onRecognise(ev) {
    ev.preventDefault();
    const r = this.r;
    if (r.busy) return;
    const val = (id) => (this.find('recognise', id) || { value: '' }).value.trim();
    const body = { body: val('ir-body'), decision_number: val('ir-number'), decision_date: val('ir-date'), scope: val('ir-scope') };
    r.errors = {};
    r.msg = null;
    if (!body.body) r.errors.body = { key: 'mv.error.required' };
    if (!body.decision_number) r.errors.number = { key: 'mv.error.required' };
    if (!body.decision_date) r.errors.date = { key: 'mv.error.required' };
    const first = [['body', 'ir-body'], ['number', 'ir-number'], ['date', 'ir-date']].find(([k]) => r.errors[k]);
    if (first) {
      if (this.redraw('recognise')) this.focus('recognise', first[1]);
      return;
    }
    r.busy = true;
    setBusy(this.find('recognise', 'ir-submit'), true, 'mv.saving');
    let ok = false;
    try {
      this.i = await api.recognise(this.id, body);
      ok = true;
    } catch (err) {
      if (err.status === 401) return;
      r.msg = err.status >= 400 && err.status < 500 ? { text: err.message, kind: 'error' } : requestError(err);
    } finally {
      r.busy = false;
    }
    if (!this.el || !this.el.isConnected) return;
    if (ok) {
      this.render(this.el);
      this.focus('texts', 'init-texts');
      this.say({ key: 'mv.init.recognised_msg' });
    } else if (this.redraw('recognise')) {
      this.focus('recognise', 'init-recognise');
      this.say(r.msg);
    }
  }
}
