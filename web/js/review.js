// Review councils in the signed-in app:
//   #/reviews                       a council member's queue (by round), the rounds it chairs,
//                                   and its ballots
//   #/reviews/{entry}               one assigned entry: the unit's evidence beside the scorecard
//                                   (criteria with level descriptors, scores, comment); save a
//                                   draft, submit once, or recuse with a reason. Blind rounds
//                                   show an entry number only.
//   #/movement/{code}/rounds/{r}    a round's progress and results (Ministry, chair): the four
//                                   aggregations side by side with standard errors and ranks,
//                                   by group, near-ties and the award line; close the round
// Each view keeps its data and what was typed, so it can be drawn again after a change of language.

import { api, loadFor } from './api.js';
import { h } from './dom.js';
import { t, word } from './i18n.js';
import {
  MINISTRY, campHref, card, count, crumb, empty, evidenceLinks, failureView, initiativeHref, loc, num,
  pageHead, pair, pill, reportStatus, roundHref, table,
} from './movement.js';
import { PartsView, field, message, msgText, requestError, setBusy, time } from './ui.js';
import { provinceName } from './views.js';
import { periodName } from './workspace.js';

export function reviewHref(entry) {
  return `#/reviews/${encodeURIComponent(entry)}`;
}

export function ballotHref(id) {
  return `#/ballots/${encodeURIComponent(id)}`;
}

function cardStatus(status, assignment) {
  if (assignment === 'recused') return pill('closed', t('rv.state.recused'));
  if (status === 'submitted') return pill('active', t('rv.state.submitted'));
  if (status === 'draft') return pill('inactive', t('rv.state.draft'));
  return pill('closed', t('rv.state.todo'));
}

/* ==== the queue ======================================================================================= */

export class ReviewsView extends PartsView {
  constructor(ctx) {
    super(ctx);
    this.items = null;
    this.chaired = [];  // rounds this user chairs: { campaign, round }
    this.ballots = [];  // ballots of the campaigns seen (when the ballots API answers)
  }

  async load(signal) {
    this.items = (await api.reviews(signal)).assignments || [];
    const rounds = new Map();
    for (const a of this.items) rounds.set(`${a.campaign}|${a.round}`, { campaign: a.campaign, round: a.round, name: a.round_name });
    const campaigns = new Set([...rounds.values()].map((r) => r.campaign));
    try {
      for (const c of (await api.campaigns(signal)).campaigns || []) campaigns.add(c.code);
    } catch (e) {
      if (e.name === 'AbortError') throw e;
    }
    const me = this.ctx.user.username;
    await Promise.all([...campaigns].map(async (code) => {
      try {
        const list = await api.ballots(code, signal);
        for (const b of list.items || list.ballots || []) this.ballots.push({ ...b, campaign: b.campaign || code });
      } catch (e) {
        if (e.name === 'AbortError') throw e;
      }
    }));
    // Rounds one chairs: those of the queue (open rounds) and of the ballots (closed ones too).
    for (const b of this.ballots) {
      const code = b.round && typeof b.round === 'object' ? b.round.code : b.round;
      if (code && !rounds.has(`${b.campaign}|${code}`)) rounds.set(`${b.campaign}|${code}`, { campaign: b.campaign, round: code, name: (b.round && b.round.name) || code });
    }
    await Promise.all([...rounds.values()].map(async (r) => {
      try {
        const full = await api.round(r.campaign, r.round, signal);
        const mine = (full.members || []).find((m) => m.username === me);
        if (mine && mine.role === 'chair') this.chaired.push({ ...r, name: full.name, status: full.status });
      } catch (e) {
        if (e.name === 'AbortError') throw e;
      }
    }));
    return true;
  }

  failure() {
    return failureView(this.error);
  }

  title() {
    return t('rv.title');
  }

  drawers() {
    const d = { queue: this.drawQueue };
    if (this.chaired.length) d.chaired = this.drawChaired;
    d.ballots = this.drawBallots;
    return d;
  }

  render(el) {
    this.renderParts(el, pageHead(t('rv.title'), t('rv.intro')));
  }

  drawQueue() {
    const list = this.items;
    const todo = list.filter((a) => a.assignment === 'assigned' && a.scorecard !== 'submitted').length;
    const rows = list.map((a) => h('tr', null,
      h('th', { scope: 'row', class: 'cell-main' },
        h('a', { class: 'cell-link', href: reviewHref(a.entry) }, a.unit ? a.unit : t('rv.entry_no', { n: a.entry })),
        h('span', { class: 'cell-sub' }, t('rv.entry_no', { n: a.entry }))),
      h('td', { 'data-label': t('mv.col.round') }, a.round_name, h('span', { class: 'cell-sub' }, h('span', { class: 'code' }, a.campaign))),
      h('td', { 'data-label': t('col.status') }, cardStatus(a.scorecard, a.assignment))));
    return card('rv-queue', t('rv.queue'), count(t('rv.todo', { count: todo })),
      rows.length ? table('rv-queue', [t('rv.col.entry'), t('mv.col.round'), t('col.status')], rows) : empty('rv.none'));
  }

  drawChaired() {
    return card('rv-chaired', t('rv.chaired'), null,
      h('ul', { class: 'plain-list' }, this.chaired.map((r) => h('li', null,
        h('a', { href: roundHref(r.campaign, r.round) }, t('rv.round_results', { name: r.name })), ' ',
        pill(r.status === 'open' ? 'active' : 'closed', word('mv.round_status', r.status))))));
  }

  drawBallots() {
    const list = this.ballots;
    const rows = list.map((b) => h('tr', null,
      h('th', { scope: 'row', class: 'cell-main' }, h('a', { class: 'cell-link', href: ballotHref(b.id) }, b.title || t('nm.ballot_no', { n: b.id }))),
      h('td', { 'data-label': t('col.status') }, pill(b.status === 'open' ? 'active' : 'closed', word('nm.ballot_status', b.status))),
      h('td', { 'data-label': t('nm.closes') }, b.closes_at ? time(b.closes_at) : t('common.none')),
      h('td', { 'data-label': t('nm.you_voted') }, b.you_voted ? t('nm.voted_yes') : (b.status === 'open' ? t('nm.voted_no') : t('common.none')))));
    return card('rv-ballots', t('nm.ballots'), count(t('nm.ballots_count', { count: list.length })),
      rows.length ? table('rv-ballots', [t('nm.ballot'), t('col.status'), t('nm.closes'), t('nm.you_voted')], rows) : empty('nm.no_ballots'));
  }
}

/* ==== one entry: evidence beside the scorecard =========================================================== */

export class ReviewEntryView extends PartsView {
  constructor(ctx, entry) {
    super(ctx);
    this.entry = entry;
    this.e = null;
    this.s = { busy: null, msg: null, errors: {} };
    this.r = { busy: false, msg: null, error: null };
  }

  async load(signal) {
    this.e = await loadFor(this, () => api.review(this.entry, signal));
    return this.e !== undefined;
  }

  failure() {
    return failureView(this.error, ['rv.notfound_title', 'rv.notfound']);
  }

  who() {
    return this.e.unit ? this.e.unit.name : t('rv.entry_no', { n: this.e.entry });
  }

  title() {
    return this.e ? `${this.who()} · ${t('rv.scorecard')}` : t('rv.title');
  }

  locked() {
    const c = this.e.scorecard;
    return this.e.assignment !== 'assigned' || (c && c.status === 'submitted');
  }

  drawers() {
    const d = { evidence: this.drawEvidence, card: this.drawCard };
    if (!this.locked()) d.recuse = this.drawRecuse;
    return d;
  }

  render(el) {
    const e = this.e;
    this.renderParts(el, pageHead(this.who(), t('rv.subtitle', { round: e.round, campaign: e.campaign }), null,
      [crumb('#/reviews', t('rv.title')), crumb(null, this.who())],
      e.blind ? h('p', { class: 'notice', id: 'rv-blind' }, t('rv.blind')) : null));
    // The evidence beside the scorecard on wide screens, one above the other on phones.
    const split = h('div', { class: 'split' });
    this.parts.evidence.before(split);
    split.append(this.parts.evidence, this.parts.card);
  }

  drawEvidence() {
    const e = this.e;
    if (e.blind) {
      return card('rv-evidence', t('rv.evidence'), null, h('p', { class: 'card__intro' }, t('rv.blind_evidence')));
    }
    const reports = (e.reports || []).map((r) => h('li', { class: 'evidence-report' },
      h('h3', { class: 'subhead' }, periodName(r.period), ' ', reportStatus(r.status), ' ', h('span', { class: 'cell-sub' }, t('mv.rep.version', { n: r.version }))),
      (r.values || []).length ? h('ul', { class: 'value-list' }, (r.values || []).map((v) => h('li', null,
        h('span', { class: 'value-list__name' }, h('span', { class: 'code' }, v.indicator)), ' ',
        h('strong', null, v.value === null || v.value === undefined ? t('mv.rep.no_data') : num(v.value, 2)),
        v.computed ? h('span', { class: 'cell-sub' }, t('mv.rep.computed')) : null,
        v.note ? h('span', { class: 'cell-sub' }, v.note) : null,
        !v.computed ? evidenceLinks(v.evidence) : null))) : null));
    const inits = (e.initiatives || []).map((i) => h('li', null,
      h('a', { href: initiativeHref(i.id) }, i.title), ' ',
      i.recognition ? pill('active', word('mv.scope', i.recognition.scope)) : pill('closed', t('mv.init.not_recognised')),
      h('span', { class: 'cell-sub' }, t('rv.adoptions', { count: i.adoptions }))));
    return card('rv-evidence', t('rv.evidence'), null,
      h('h3', { class: 'subhead', id: 'rv-reports' }, t('mv.ws.reports')),
      reports.length ? h('ul', { class: 'plain-list', 'aria-labelledby': 'rv-reports' }, reports) : empty('rv.no_reports'),
      h('h3', { class: 'subhead', id: 'rv-inits' }, t('mv.init.title')),
      inits.length ? h('ul', { class: 'plain-list', 'aria-labelledby': 'rv-inits' }, inits) : empty('mv.init.none'));
  }

  drawCard() {
    const e = this.e;
    const s = this.s;
    const sc = e.scorecard || { scores: {}, comment: '', status: null };
    const scale = e.scale || { min: 0, max: 10 };
    const locked = this.locked();
    const crits = (e.criteria || []).map((c) => {
      const id = `sc-${c.code}`;
      const v = sc.scores ? sc.scores[c.code] : undefined;
      const err = s.errors[c.code];
      return h('fieldset', { class: 'criterion' },
        h('legend', { class: 'criterion__name' }, loc(c), ' ', h('span', { class: 'criterion__weight' }, t('mv.weight', { w: Math.round(Number(c.weight) * 100) }))),
        h('ul', { class: 'levels', id: `${id}-levels` }, (c.levels || []).map((l) => h('li', null, h('span', { class: 'levels__score' }, num(l.score, 2)), ' ', pair(l)))),
        h('div', { class: 'field field--score' },
          h('label', { for: id }, t('rv.score_for', { name: loc(c), min: scale.min, max: scale.max })),
          h('input', {
            id, type: 'text', inputmode: 'decimal', autocomplete: 'off', class: 'input--number',
            value: v === undefined || v === null ? '' : String(v), readonly: locked, 'aria-invalid': err ? 'true' : 'false',
            'aria-describedby': `${id}-levels ${id}-error`,
          }),
          h('p', { class: 'field__error', id: `${id}-error`, hidden: !err }, msgText(err))));
    });
    const status = cardStatus(sc.status, e.assignment);
    return card('rv-card', t('rv.scorecard'), status,
      locked ? null : message(s.msg),
      locked && e.assignment === 'recused' ? h('p', { class: 'notice' }, t('rv.recused_text')) : null,
      locked && sc.status === 'submitted' ? h('p', { class: 'notice notice--success' }, t('rv.submitted_text')) : null,
      h('form', { class: 'form', novalidate: true, 'aria-labelledby': 'rv-card', onsubmit: (ev) => { ev.preventDefault(); this.onSave(false); } },
        crits,
        field({ id: 'sc-comment', control: 'textarea', label: t('rv.comment'), input: { rows: 3, maxlength: 4000, readonly: locked }, children: sc.comment || '' }),
        locked ? null : h('div', { class: 'form__actions' },
          h('button', { type: 'submit', class: 'button button--secondary', id: 'sc-save', 'aria-disabled': s.busy ? 'true' : null }, t(s.busy === 'save' ? 'mv.saving' : 'rv.save')),
          h('button', { type: 'button', class: 'button button--primary', id: 'sc-submit', 'aria-disabled': s.busy ? 'true' : null, onclick: (ev) => this.onSave(true, ev.currentTarget) },
            t(s.busy === 'submit' ? 'rv.submitting' : 'rv.submit')))));
  }

  async onSave(submit, button) {
    const s = this.s;
    if (s.busy) return;
    const e = this.e;
    const scale = e.scale || { min: 0, max: 10 };
    const scores = {};
    s.errors = {};
    s.msg = null;
    for (const c of e.criteria || []) {
      const raw = (this.find('card', `sc-${c.code}`) || { value: '' }).value.trim();
      if (raw === '') {
        if (submit) s.errors[c.code] = { key: 'rv.error.missing' };
        continue;
      }
      const n = Number(raw.replace(',', '.'));
      if (!Number.isFinite(n) || n < scale.min || n > scale.max) s.errors[c.code] = { key: 'rv.error.scale', params: { min: scale.min, max: scale.max } };
      else scores[c.code] = n;
    }
    const first = (e.criteria || []).find((c) => s.errors[c.code]);
    if (first) {
      if (this.redraw('card')) this.focus('card', `sc-${first.code}`);
      return;
    }
    if (submit && !(await this.confirm({ heading: t('rv.submit_title'), text: t('rv.submit_text'), action: t('rv.submit'), danger: false }, button))) return;
    const comment = (this.find('card', 'sc-comment') || { value: '' }).value.trim();
    s.busy = submit ? 'submit' : 'save';
    setBusy(this.find('card', submit ? 'sc-submit' : 'sc-save'), true, submit ? 'rv.submitting' : 'mv.saving');
    try {
      const r = await api.scorecard(this.entry, { scores, comment: comment || null, submit });
      this.e.scorecard = r.scorecard || { scores, comment, status: submit ? 'submitted' : 'draft' };
      s.msg = { key: submit ? 'rv.submitted' : 'rv.saved', kind: 'success' };
    } catch (err) {
      if (err.status === 401) return;
      s.msg = err.status >= 400 && err.status < 500 ? { text: err.message, kind: 'error' } : requestError(err);
    } finally {
      s.busy = null;
    }
    if (!this.el || !this.el.isConnected) return;
    if (this.locked()) this.render(this.el);
    else this.redraw('card');
    this.focus('card', 'rv-card');
    this.say(s.msg);
  }

  drawRecuse() {
    const r = this.r;
    return card('rv-recuse', t('rv.recuse'), null,
      h('p', { class: 'card__intro' }, t('rv.recuse_intro')),
      message(r.msg),
      h('form', { class: 'form', novalidate: true, 'aria-labelledby': 'rv-recuse', onsubmit: (ev) => this.onRecuse(ev) },
        field({ id: 'rc-reason', control: 'textarea', label: t('rv.reason'), hint: t('rv.reason_hint'), error: r.error, input: { rows: 2, maxlength: 500 } }),
        h('div', { class: 'form__actions' },
          h('button', { type: 'submit', class: 'button button--danger', id: 'rc-submit', 'aria-disabled': r.busy ? 'true' : null }, t(r.busy ? 'rv.recusing' : 'rv.recuse_submit')))));
  }

  async onRecuse(ev) {
    ev.preventDefault();
    const r = this.r;
    if (r.busy) return;
    const reason = (this.find('recuse', 'rc-reason') || { value: '' }).value.trim();
    r.error = null;
    r.msg = null;
    if (reason.length < 5) {
      r.error = { key: 'rv.error.reason' };
      if (this.redraw('recuse')) this.focus('recuse', 'rc-reason');
      return;
    }
    if (!(await this.confirm({ heading: t('rv.recuse_title'), text: t('rv.recuse_text'), action: t('rv.recuse_submit') }, this.find('recuse', 'rc-submit')))) return;
    r.busy = true;
    setBusy(this.find('recuse', 'rc-submit'), true, 'rv.recusing');
    let ok = false;
    try {
      await api.recuse(this.entry, reason);
      this.e.assignment = 'recused';
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
      this.focus('card', 'rv-card');
      this.say({ key: 'rv.recused' });
    } else if (this.redraw('recuse')) {
      this.focus('recuse', 'rv-recuse');
      this.say(r.msg);
    }
  }
}

/* ==== a round: progress and results ======================================================================= */

export const METHODS = ['mean', 'trimmed', 'zscore', 'model'];
const Z = 1;

// Entries that could fall on either side of an award line of `k` places (docs/scoring.md):
// the line lies midway between the k-th and (k+1)-th scores; borderline when |score − line| ≤ z·se.
// With groups, k places in each group. Returns a Set of "entry|method".
export function borderline(entries, k, byGroup) {
  const out = new Set();
  if (!k || k < 1) return out;
  for (const m of METHODS) {
    const groups = new Map();
    for (const e of entries) {
      const g = byGroup ? (e.group ?? '') : '';
      if (!groups.has(g)) groups.set(g, []);
      groups.get(g).push(e);
    }
    for (const list of groups.values()) {
      if (list.length <= k) continue;
      const sorted = [...list].sort((a, b) => b[m].score - a[m].score);
      const line = (sorted[k - 1][m].score + sorted[k][m].score) / 2;
      for (const e of list) if (Math.abs(e[m].score - line) <= Z * e[m].se) out.add(`${e.entry}|${m}`);
    }
  }
  return out;
}

export class RoundView extends PartsView {
  constructor(ctx, code, round, query) {
    super(ctx);
    Object.assign(this, { code, round });
    this.group = ['type', 'province'].includes(query.get('group')) ? query.get('group') : '';
    this.places = Math.max(0, Number(query.get('places')) || 0);
    this.r = null;
    this.res = null;
    this.resError = null;
    this.c = { busy: false, msg: null };
  }

  async load(signal) {
    this.r = await loadFor(this, () => api.round(this.code, this.round, signal));
    if (this.r === undefined) return false;
    await this.loadResults(signal);
    return true;
  }

  async loadResults(signal) {
    try {
      this.res = await api.roundResults(this.code, this.round, this.group, signal);
      this.resError = null;
    } catch (e) {
      if (e.name === 'AbortError') throw e;
      this.resError = e;
    }
  }

  failure() {
    return failureView(this.error, ['rv.round_notfound_title', 'rv.round_notfound']);
  }

  title() {
    return this.r ? this.r.name : this.round;
  }

  isChair() {
    return (this.r.members || []).some((m) => m.username === this.ctx.user.username && m.role === 'chair');
  }

  drawers() {
    return { progress: this.drawProgress, results: this.drawResults, reviewers: this.drawReviewers };
  }

  render(el) {
    const r = this.r;
    const back = this.ctx.user.role === MINISTRY ? crumb(campHref(this.code, 'dashboard'), t('mv.dash.title')) : crumb('#/reviews', t('rv.title'));
    this.renderParts(el, pageHead(r.name, t('rv.round_subtitle', { stage: word('mv.stage', r.stage), code: r.code }), null,
      [crumb('#/movement', t('mv.title')), crumb(campHref(this.code), this.code), back, crumb(null, r.name)],
      h('div', { class: 'page-meta' }, pill(r.status === 'open' ? 'active' : 'closed', word('mv.round_status', r.status)),
        r.blind ? pill('inactive', t('rv.blind_round')) : null)));
  }

  drawProgress() {
    const r = this.r;
    const c = this.c;
    const members = (r.members || []).map((m) => h('li', null, m.display_name || m.username,
      m.role === 'chair' ? h('span', { class: 'badge badge--current' }, t('rv.chair')) : null,
      h('span', { class: 'cell-sub' }, t('rv.assigned', { count: m.assigned }))));
    const rows = (r.entries || []).map((e) => h('tr', null,
      h('th', { scope: 'row', class: 'cell-main' }, e.name, h('span', { class: 'cell-sub' }, h('span', { class: 'code' }, e.unit))),
      h('td', { 'data-label': t('rv.col.reviewers') }, num(e.reviewers)),
      h('td', { 'data-label': t('rv.col.recused') }, num(e.recused)),
      h('td', { 'data-label': t('rv.col.submitted'), class: 'cell-bar' },
        h('progress', { max: Math.max(1, e.reviewers), value: e.submitted, 'aria-label': t('rv.entry_bar', { name: e.name }) }),
        h('span', { class: 'bar-text' }, t('mv.dash.scorecards', { n: e.submitted, total: e.reviewers })))));
    const canClose = r.status === 'open' && (this.ctx.user.role === MINISTRY || this.isChair());
    return card('rd-progress', t('rv.progress'), count(t('rv.entries_count', { count: (r.entries || []).length })),
      message(c.msg),
      h('h3', { class: 'subhead', id: 'rd-council' }, t('rv.council')),
      h('ul', { class: 'plain-list members', 'aria-labelledby': 'rd-council' }, members),
      table('rd-progress', [t('rv.col.entry'), t('rv.col.reviewers'), t('rv.col.recused'), t('rv.col.submitted')], rows),
      canClose ? h('div', { class: 'card__foot form__actions' },
        h('button', { type: 'button', class: 'button button--danger', id: 'rd-close', 'aria-disabled': c.busy ? 'true' : null, onclick: (ev) => this.onClose(ev.currentTarget) },
          t(c.busy ? 'rv.closing' : 'rv.close'))) : null);
  }

  async onClose(button) {
    const c = this.c;
    if (c.busy) return;
    if (!(await this.confirm({ heading: t('rv.close_title', { name: this.r.name }), text: t('rv.close_text'), action: t('rv.close') }, button))) return;
    c.busy = true;
    setBusy(button, true, 'rv.closing');
    try {
      this.r = await api.closeRound(this.code, this.round);
      c.msg = { key: 'rv.closed', kind: 'success' };
    } catch (err) {
      if (err.status === 401) return;
      c.msg = requestError(err);
    } finally {
      c.busy = false;
    }
    if (!this.el || !this.el.isConnected) return;
    this.render(this.el);
    this.focus('progress', 'rd-progress');
    this.say(c.msg);
  }

  go(group, places) {
    const qs = new URLSearchParams();
    if (group) qs.set('group', group);
    if (places) qs.set('places', String(places));
    const s = qs.toString();
    const next = `${roundHref(this.code, this.round)}${s ? `?${s}` : ''}`;
    if (location.hash === next) window.dispatchEvent(new HashChangeEvent('hashchange'));
    else location.hash = next;
  }

  groupName(g) {
    if (g === null || g === undefined || g === '') return t('common.none');
    return this.group === 'province' ? provinceName(this.ctx, g) : word('type', g);
  }

  drawResults() {
    if (this.resError) return card('rd-results', t('rv.results'), null, h('p', { class: 'alert' }, msgText(requestError(this.resError))));
    const res = this.res;
    const entries = res.entries || [];
    const flags = borderline(entries, this.places, Boolean(this.group));
    const option = (value, label, cur) => h('option', { value, selected: value === cur }, label);
    const controls = h('form', {
      class: 'filters', novalidate: true, 'aria-label': t('rv.results_options'),
      onsubmit: (ev) => {
        ev.preventDefault();
        this.go((this.find('results', 'rd-group') || { value: '' }).value, Number((this.find('results', 'rd-places') || { value: '' }).value) || 0);
      },
    },
    h('div', { class: 'field' }, h('label', { for: 'rd-group' }, t('rv.group')),
      h('select', { id: 'rd-group' }, option('', t('rv.group_none'), this.group), option('type', t('col.type'), this.group), option('province', t('col.province'), this.group))),
    h('div', { class: 'field' }, h('label', { for: 'rd-places' }, t('rv.places')),
      h('input', { id: 'rd-places', type: 'number', min: 0, step: 1, inputmode: 'numeric', value: this.places || '', 'aria-describedby': 'rd-places-hint', class: 'input--number' }),
      h('p', { class: 'field__hint', id: 'rd-places-hint' }, t('rv.places_hint'))),
    h('div', { class: 'filters__actions' }, h('button', { type: 'submit', class: 'button button--primary', id: 'rd-apply' }, t('rv.apply'))));
    const sorted = [...entries].sort((a, b) => a.model.rank - b.model.rank);
    const cell = (e, m) => {
      const v = e[m];
      const line = flags.has(`${e.entry}|${m}`);
      return h('td', { 'data-label': t(`rv.method.${m}`), class: 'score-cell', dataset: { method: m } },
        h('span', { class: 'score' }, num(v.score, 2)),
        h('span', { class: 'score__se' }, ` ± ${num(v.se, 2)}`),
        h('span', { class: 'cell-sub' }, t('rv.rank', { n: v.rank }), this.group ? ` · ${t('rv.group_rank', { n: v.group_rank })}` : ''),
        v.near_tie ? h('span', { class: 'flag flag--tie', title: t('rv.near_tie_hint') }, t('rv.near_tie')) : null,
        line ? h('span', { class: 'flag flag--line', title: t('rv.borderline_hint') }, t('rv.borderline')) : null);
    };
    const rows = sorted.map((e) => h('tr', { dataset: { unit: e.unit } },
      h('th', { scope: 'row', class: 'cell-main' }, e.name, h('span', { class: 'cell-sub' }, h('span', { class: 'code' }, e.unit),
        this.group ? ` · ${this.groupName(e.group)}` : '')),
      h('td', { 'data-label': t('rv.col.reviews') }, num(e.reviews), e.high_low_dropped ? h('span', { class: 'cell-sub' }, t('rv.dropped')) : null),
      METHODS.map((m) => cell(e, m))));
    return card('rd-results', t('rv.results'), count(t('rv.scorecards_count', { count: res.scorecards })),
      h('p', { class: 'card__intro' }, t('rv.results_intro')),
      controls,
      entries.length
        ? table('rd-results', [t('rv.col.entry'), t('rv.col.reviews'), ...METHODS.map((m) => t(`rv.method.${m}`))], rows, 'results-table')
        : empty('rv.no_results'),
      h('ul', { class: 'legend' },
        h('li', null, h('span', { class: 'flag flag--tie' }, t('rv.near_tie')), ' ', t('rv.near_tie_hint')),
        h('li', null, h('span', { class: 'flag flag--line' }, t('rv.borderline')), ' ', t('rv.borderline_hint'))));
  }

  drawReviewers() {
    if (this.resError) return h('div');
    const list = this.res.reviewers || [];
    const rows = list.map((r) => h('tr', null,
      h('th', { scope: 'row', class: 'cell-main' }, r.username),
      h('td', { 'data-label': t('rv.col.scorecards') }, num(r.scorecards)),
      h('td', { 'data-label': t('rv.col.mean') }, num(r.mean, 2)),
      h('td', { 'data-label': t('rv.col.offset') }, Math.abs(r.offset) < 0.005 ? num(0) : `${r.offset > 0 ? '+' : ''}${num(r.offset, 2)}`,
        h('span', { class: 'cell-sub' }, t(r.offset < -0.25 ? 'rv.harsh' : r.offset > 0.25 ? 'rv.lenient' : 'rv.fair')))));
    return card('rd-reviewers', t('rv.reviewers'), null,
      h('p', { class: 'card__intro' }, t('rv.reviewers_intro')),
      rows.length ? table('rd-reviewers', [t('rv.col.reviewer'), t('rv.col.scorecards'), t('rv.col.mean'), t('rv.col.offset')], rows) : empty('rv.no_results'));
  }
}
