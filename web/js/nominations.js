// Nominations for rewards, council ballots and decisions (contract: docs/nominations.md):
//   #/movement/{code}/nominations   the campaign's nominations; a unit nominates; the Ministry or
//                                   a round's chair opens a ballot on eligible nominations
//   #/nominations/{id}              one nomination: its eligibility explained rule by rule, the
//                                   ballot, the public posting and its comments, the decision and
//                                   award credential; the Ministry's steps; the dossier downloads
//   #/ballots/{id}                  a ballot: council members vote (secret, once); the chair or
//                                   the Ministry closes it and sees the tally
// Each view keeps its data and what was typed, so it can be drawn again after a change of language.

import { api, links, loadFor } from './api.js';
import { h, unitHref } from './dom.js';
import { formatDay, t, word } from './i18n.js';
import {
  ADMINS, MINISTRY, campHref, campaignTabs, card, count, crumb, day, empty, failureView, loc, num, pageHead,
  pair, pill, table,
} from './movement.js';
import { ballotHref } from './review.js';
import { PartsView, field, message, msgText, requestError, setBusy, time } from './ui.js';

export function nominationHref(id) {
  return `#/nominations/${encodeURIComponent(id)}`;
}

const STATUSES = ['proposed', 'on_ballot', 'passed', 'rejected', 'posted', 'submitted', 'decided', 'annulled', 'withdrawn'];
const STATUS_PILL = {
  proposed: 'inactive', on_ballot: 'inactive', passed: 'active', rejected: 'revoked', posted: 'inactive',
  submitted: 'inactive', decided: 'active', annulled: 'revoked', withdrawn: 'closed',
};
const VERDICT_PILL = { eligible: 'active', not_eligible: 'revoked', unknown: 'inactive' };
const CHOICES = ['yes', 'no', 'abstain'];

export function nominationStatus(status) {
  return pill(STATUS_PILL[status] || 'closed', word('nm.status', status));
}

export function verdictPill(el) {
  if (!el) return pill('closed', t('common.unknown'));
  const text = word('nm.verdict', el.verdict) + (el.confirmed && el.verdict !== 'eligible' ? ` · ${t('nm.confirmed')}` : '');
  return pill(VERDICT_PILL[el.verdict] || 'closed', text);
}

function formName(n) {
  return pair(n.form_name) || n.form;
}

function subjectName(n) {
  const s = n.subject || {};
  return s.name || (n.unit && n.unit.name) || '';
}

// A ballot's round (a code, or {code, name}), threshold and base (on the ballot or its items).
export function roundName(b) {
  const r = b && b.round;
  if (!r) return '';
  return typeof r === 'object' ? (r.name || r.code || '') : String(r);
}

function thresholdOf(b, item) {
  const src = item && item.threshold !== undefined ? item : (b.threshold !== undefined ? b : ((b.items || [])[0] || {}));
  return { pct: src.threshold ?? 90, base: src.base || 'all' };
}

// The nominations API may not be there yet on an older server: say so rather than fail.
function unavailable(e) {
  return e && (e.status === 404 || e.status === 405) && (!e.code || e.code === 'not_found' || e.code === 'method_not_allowed');
}

/* ==== the campaign's nominations ========================================================================== */

export class NominationsView extends PartsView {
  constructor(ctx, code, query) {
    super(ctx);
    this.code = code;
    this.status = STATUSES.includes(query.get('status')) ? query.get('status') : '';
    this.c = null;
    this.items = null;
    this.listError = null;
    this.forms = [];
    this.rounds = [];
    this.n = { busy: false, msg: null, errors: {}, kind: 'collective' };
    this.b = { busy: false, msg: null, errors: {} };
  }

  async load(signal) {
    this.c = await loadFor(this, () => api.campaign(this.code, signal));
    if (this.c === undefined) return false;
    const role = this.ctx.user.role;
    await Promise.all([
      this.loadList(signal),
      api.awardRules(signal).then((r) => { this.forms = r.forms || []; }, (e) => { if (e.name === 'AbortError') throw e; }),
      this.loadRounds(signal, role),
    ]);
    return true;
  }

  async loadList(signal) {
    try {
      this.items = (await api.nominations(this.code, { status: this.status || undefined }, signal)).items || [];
      this.listError = null;
    } catch (e) {
      if (e.name === 'AbortError') throw e;
      this.listError = e;
      this.items = [];
    }
  }

  async loadRounds(signal, role) {
    try {
      if (role === MINISTRY) {
        this.rounds = ((await api.dashboard(this.code, signal)).rounds || []).map((r) => ({ code: r.code, name: r.name }));
      } else if (role === 'reviewer') {
        const seen = new Map();
        for (const a of (await api.reviews(signal)).assignments || []) {
          if (a.campaign === this.code) seen.set(a.round, { code: a.round, name: a.round_name });
        }
        this.rounds = [...seen.values()];
      }
    } catch (e) {
      if (e.name === 'AbortError') throw e;
      this.rounds = [];
    }
  }

  failure() {
    return failureView(this.error, ['mv.notfound_title', 'mv.notfound'], { code: this.code });
  }

  title() {
    return `${t('nm.title')} · ${this.c ? loc(this.c) : this.code}`;
  }

  drawers() {
    const d = { list: this.drawList };
    const role = this.ctx.user.role;
    if (!this.listError && ADMINS.has(role)) d.nominate = this.drawNominate;
    if (!this.listError && (role === MINISTRY || (role === 'reviewer' && this.rounds.length))) d.ballot = this.drawBallot;
    return d;
  }

  render(el) {
    const c = this.c;
    this.renderParts(el, pageHead(t('nm.title'), loc(c), [
      h('a', { class: 'button button--secondary', href: links.publicNominations, target: '_blank', rel: 'noopener' },
        t('nm.public_page'), h('span', { class: 'visually-hidden' }, ` ${t('cred.new_tab')}`)),
    ], [crumb('#/movement', t('mv.title')), crumb(campHref(c.code), c.code), crumb(null, t('nm.title'))],
    campaignTabs(this.ctx, c.code, 'nominations')));
  }

  drawList() {
    if (this.listError) {
      return card('nm-list', t('nm.list'), null,
        h('p', { class: unavailable(this.listError) ? 'notice' : 'alert', role: 'status' },
          unavailable(this.listError) ? t('nm.unavailable') : msgText(requestError(this.listError))));
    }
    const list = this.items;
    const option = (value, label) => h('option', { value, selected: value === this.status }, label);
    const filter = h('form', {
      class: 'filters', role: 'search', novalidate: true, 'aria-labelledby': 'nm-list',
      onsubmit: (e) => {
        e.preventDefault();
        const s = (this.find('list', 'nm-status') || { value: '' }).value;
        const next = `${campHref(this.code, 'nominations')}${s ? `?status=${encodeURIComponent(s)}` : ''}`;
        if (location.hash === next) window.dispatchEvent(new HashChangeEvent('hashchange'));
        else location.hash = next;
      },
    },
    h('div', { class: 'field' }, h('label', { for: 'nm-status' }, t('col.status')),
      h('select', { id: 'nm-status' }, option('', t('cred.filter.all')), STATUSES.map((s) => option(s, word('nm.status', s))))),
    h('div', { class: 'filters__actions' }, h('button', { type: 'submit', class: 'button button--primary' }, t('cred.filter.apply'))));
    const rows = list.map((n) => h('tr', { dataset: { id: n.id } },
      h('th', { scope: 'row', class: 'cell-main' }, h('a', { class: 'cell-link', href: nominationHref(n.id) }, subjectName(n)),
        n.unit && n.unit.name !== subjectName(n) ? h('span', { class: 'cell-sub' }, n.unit.name) : null),
      h('td', { 'data-label': t('nm.form') }, formName(n)),
      h('td', { 'data-label': t('nm.year') }, String(n.candidate_year)),
      h('td', { 'data-label': t('nm.eligibility') }, verdictPill(n.eligibility)),
      h('td', { 'data-label': t('col.status') }, nominationStatus(n.status))));
    return card('nm-list', t('nm.list'), count(t('nm.count', { count: list.length })),
      filter,
      rows.length ? table('nm-list', [t('nm.subject'), t('nm.form'), t('nm.year'), t('nm.eligibility'), t('col.status')], rows) : empty('nm.none'));
  }

  drawNominate() {
    const n = this.n;
    const e = n.errors;
    const forms = this.forms.filter((f) => !f.subjects || f.subjects.includes(n.kind));
    const clear = (k, id) => () => this.clearError(n, k, 'nominate', id);
    const year = new Date().getFullYear();
    return card('nm-nominate', t('nm.nominate'), null,
      h('p', { class: 'card__intro' }, t('nm.nominate_intro')),
      message(n.msg),
      h('form', { class: 'form', novalidate: true, 'aria-labelledby': 'nm-nominate', onsubmit: (ev) => this.onNominate(ev) },
        field({ id: 'nn-unit', label: t('col.unit'), hint: t('mv.init.unit_hint'), error: e.unit, input: { type: 'text', value: this.ctx.user.unit_code || '', autocapitalize: 'characters', spellcheck: 'false', autocomplete: 'off', oninput: clear('unit', 'nn-unit') } }),
        h('fieldset', { class: 'field choice' },
          h('legend', null, t('nm.subject_kind')),
          h('div', { class: 'checks-grid' }, ['collective', 'individual'].map((k) => h('div', { class: 'field--check' },
            h('input', { type: 'radio', name: 'nn-kind', id: `nn-kind-${k}`, value: k, checked: n.kind === k, onchange: () => this.onKind(k) }),
            h('label', { for: `nn-kind-${k}` }, t(`nm.kind.${k}`)))))),
        n.kind === 'individual' ? field({ id: 'nn-person', label: t('nm.person'), hint: t('nm.person_hint'), error: e.person, input: { type: 'text', inputmode: 'numeric', autocomplete: 'off', oninput: clear('person', 'nn-person') } }) : null,
        h('div', { class: 'field-row' },
          field({ id: 'nn-form', control: 'select', label: t('nm.form'), error: e.form, children: forms.map((f) => h('option', { value: f.code }, pair(f.name))) }),
          field({ id: 'nn-year', label: t('nm.year'), error: e.year, input: { type: 'number', min: 2000, max: 2100, value: year, inputmode: 'numeric', class: 'input--number', oninput: clear('year', 'nn-year') } })),
        field({ id: 'nn-summary', control: 'textarea', label: t('nm.summary'), hint: t('nm.summary_hint'), error: e.summary, input: { rows: 4, maxlength: 4000, oninput: clear('summary', 'nn-summary') } }),
        h('div', { class: 'form__actions' },
          h('button', { type: 'submit', class: 'button button--primary', id: 'nn-submit', 'aria-disabled': n.busy ? 'true' : null }, t(n.busy ? 'nm.nominating' : 'nm.nominate_submit')))));
  }

  onKind(kind) {
    this.n.kind = kind;
    if (this.redraw('nominate')) this.focus('nominate', `nn-kind-${kind}`);
  }

  async onNominate(ev) {
    ev.preventDefault();
    const n = this.n;
    if (n.busy) return;
    const val = (id) => (this.find('nominate', id) || { value: '' }).value.trim();
    const body = { unit: val('nn-unit'), form: val('nn-form'), candidate_year: Number(val('nn-year')), summary: val('nn-summary') };
    if (n.kind === 'individual') body.person_id = Number(val('nn-person'));
    n.errors = {};
    n.msg = null;
    if (!body.unit) n.errors.unit = { key: 'mv.init.error.unit' };
    if (n.kind === 'individual' && !(Number.isInteger(body.person_id) && body.person_id > 0)) n.errors.person = { key: 'mv.error.number' };
    if (!body.form) n.errors.form = { key: 'mv.error.required' };
    if (!Number.isInteger(body.candidate_year)) n.errors.year = { key: 'mv.error.number' };
    if (body.summary.length < 10) n.errors.summary = { key: 'mv.init.error.text' };
    const order = [['unit', 'nn-unit'], ['person', 'nn-person'], ['form', 'nn-form'], ['year', 'nn-year'], ['summary', 'nn-summary']];
    let first = order.find(([k]) => n.errors[k]);
    if (first) {
      if (this.redraw('nominate')) this.focus('nominate', first[1]);
      return;
    }
    n.busy = true;
    setBusy(this.find('nominate', 'nn-submit'), true, 'nm.nominating');
    let made = null;
    try {
      made = await api.nominate(this.code, body);
    } catch (err) {
      if (err.status === 401) return;
      const map = { unit: 'unit', person_id: 'person', form: 'form', candidate_year: 'year', summary: 'summary' };
      if (err.status === 400 && map[err.field]) n.errors[map[err.field]] = { text: err.message };
      else n.msg = err.status >= 400 && err.status < 500 ? { text: err.message, kind: 'error' } : requestError(err);
    } finally {
      n.busy = false;
    }
    if (made) {
      location.hash = nominationHref(made.id);
      return;
    }
    first = order.find(([k]) => n.errors[k]);
    if (this.redraw('nominate')) this.focus('nominate', first ? first[1] : 'nm-nominate');
    this.say(n.msg);
  }

  drawBallot() {
    const b = this.b;
    const e = b.errors;
    const ready = (this.items || []).filter((n) => n.status === 'proposed' && n.eligibility && (n.eligibility.verdict === 'eligible' || n.eligibility.confirmed));
    return card('nm-ballot', t('nm.open_ballot'), null,
      h('p', { class: 'card__intro' }, t('nm.open_ballot_intro')),
      message(b.msg),
      ready.length ? h('form', { class: 'form', novalidate: true, 'aria-labelledby': 'nm-ballot', onsubmit: (ev) => this.onBallot(ev) },
        h('fieldset', { class: 'field choice', 'aria-describedby': 'nb-items-error' },
          h('legend', null, t('nm.ballot_items')),
          h('div', { class: 'checks-list' }, ready.map((n) => h('div', { class: 'field--check' },
            h('input', { type: 'checkbox', id: `nb-item-${n.id}`, value: String(n.id), checked: true }),
            h('label', { for: `nb-item-${n.id}` }, `${subjectName(n)} · ${formName(n)} ${n.candidate_year}`)))),
          h('p', { class: 'field__error', id: 'nb-items-error', hidden: !e.items }, msgText(e.items))),
        h('div', { class: 'field-row' },
          field({ id: 'nb-round', control: 'select', label: t('mv.col.round'), children: this.rounds.map((r) => h('option', { value: r.code }, `${r.name} (${r.code})`)) }),
          field({ id: 'nb-minutes', label: t('nm.minutes'), hint: t('nm.minutes_hint'), error: e.minutes, input: { type: 'number', min: 1, value: 60, inputmode: 'numeric', class: 'input--number' } })),
        field({ id: 'nb-title', label: t('nm.ballot_title'), error: e.title, input: { type: 'text', autocomplete: 'off', value: t('nm.ballot_default', { campaign: this.code }) } }),
        h('div', { class: 'form__actions' },
          h('button', { type: 'submit', class: 'button button--primary', id: 'nb-submit', 'aria-disabled': b.busy ? 'true' : null }, t(b.busy ? 'nm.opening' : 'nm.open_ballot_submit'))))
        : empty('nm.none_ready'));
  }

  async onBallot(ev) {
    ev.preventDefault();
    const b = this.b;
    if (b.busy) return;
    const val = (id) => (this.find('ballot', id) || { value: '' }).value.trim();
    const ids = [...this.parts.ballot.querySelectorAll('input[id^="nb-item-"]')].filter((x) => x.checked).map((x) => Number(x.value));
    const body = { round: val('nb-round'), title: val('nb-title'), nominations: ids, minutes: Number(val('nb-minutes')) };
    b.errors = {};
    b.msg = null;
    if (!ids.length) b.errors.items = { key: 'nm.error.items' };
    if (!body.title) b.errors.title = { key: 'mv.error.required' };
    if (!Number.isInteger(body.minutes) || body.minutes < 1) b.errors.minutes = { key: 'mv.error.number' };
    const first = [['items', `nb-item-${(ids[0] || '')}`], ['minutes', 'nb-minutes'], ['title', 'nb-title']].find(([k]) => b.errors[k]);
    if (first) {
      if (this.redraw('ballot')) this.focus('ballot', first[0] === 'items' ? 'nm-ballot' : first[1]);
      return;
    }
    b.busy = true;
    setBusy(this.find('ballot', 'nb-submit'), true, 'nm.opening');
    let made = null;
    try {
      made = await api.openBallot(this.code, body);
    } catch (err) {
      if (err.status === 401) return;
      b.msg = err.status >= 400 && err.status < 500 ? { text: err.message, kind: 'error' } : requestError(err);
    } finally {
      b.busy = false;
    }
    if (made) {
      location.hash = ballotHref(made.id);
      return;
    }
    if (this.redraw('ballot')) this.focus('ballot', 'nm-ballot');
    this.say(b.msg);
  }
}

/* ==== the eligibility report, explained ==================================================================== */

const RESULT_ICON = { held: 'pass', failed: 'fail', unknown: 'warn', skipped: 'skip' };

function explanation(node) {
  if (!node) return null;
  const kids = node.children || [];
  return h('li', { class: `explain explain--${node.result}` },
    h('span', { class: `icon icon--${RESULT_ICON[node.result] || 'skip'}`, 'aria-hidden': 'true' }),
    h('span', { class: 'visually-hidden' }, `${word('nm.result', node.result)}: `),
    pair(node.message) || node.op,
    kids.length ? h('ul', { class: 'explain-list' }, kids.map(explanation)) : null);
}

export function eligibilityReport(el) {
  if (!el) return empty('nm.no_check');
  const rep = el.report || {};
  const rules = rep.rules || [];
  return h('div', { class: 'eligibility' },
    h('p', { class: `verdict-line verdict-line--${el.verdict}`, id: 'nm-verdict' }, verdictPill(el), ' ', pair(rep.summary)),
    el.confirmed && el.verdict !== 'eligible' ? h('p', { class: 'notice' }, t('nm.confirmed_text')) : null,
    (rep.warnings || []).length ? h('ul', { class: 'plain-list warnings' }, rep.warnings.map((w) => h('li', { class: 'alert alert--warning' }, pair(w.message) || w.code))) : null,
    rules.map((r) => h('section', { class: 'rule', 'aria-label': t('nm.rule', { id: r.id }) },
      h('h3', { class: 'subhead' }, t('nm.rule', { id: r.id }), ' ',
        pill(r.result === 'held' ? 'active' : r.result === 'failed' ? 'revoked' : 'inactive', word('nm.result', r.result)), ' ',
        r.verified ? null : pill('inactive', t('mv.unverified'))),
      (r.citations || []).length ? h('p', { class: 'cell-sub' }, t('nm.citations'), ' ', r.citations.map((c) => c.document + (c.article ? `, ${c.article}` : '')).join('; ')) : null,
      r.explanation ? h('ul', { class: 'explain-list' }, explanation(r.explanation)) : null)),
    el.checked_at ? h('p', { class: 'cell-sub' }, t('nm.checked_at'), ' ', time(el.checked_at)) : null);
}

/* ==== one nomination ======================================================================================= */

export class NominationView extends PartsView {
  constructor(ctx, id) {
    super(ctx);
    this.id = id;
    this.n = null;
    this.comments = null;
    this.a = { busy: null, msg: null, errors: {} };
  }

  async load(signal) {
    this.n = await loadFor(this, () => api.nomination(this.id, signal));
    if (this.n === undefined) return false;
    if (this.ctx.user.role === MINISTRY && this.n.posting) {
      try {
        const r = await api.nominationComments(this.id, signal);
        this.comments = r.items || r.comments || [];
      } catch (e) {
        if (e.name === 'AbortError') throw e;
        this.comments = null;
      }
    }
    return true;
  }

  failure() {
    return failureView(this.error, ['nm.notfound_title', 'nm.notfound']);
  }

  title() {
    return this.n ? `${subjectName(this.n)} · ${formName(this.n)}` : t('nm.title');
  }

  drawers() {
    const n = this.n;
    const d = { facts: this.drawFacts, eligibility: this.drawEligibility };
    if (n.ballot) d.ballot = this.drawBallotPart;
    if (n.posting) d.posting = this.drawPosting;
    if (n.decision || n.annulment) d.decision = this.drawDecision;
    if (this.actions().length) d.actions = this.drawActions;
    if ((n.steps || []).length) d.steps = this.drawSteps;
    return d;
  }

  render(el) {
    const n = this.n;
    this.renderParts(el, pageHead(subjectName(n), `${formName(n)} · ${n.candidate_year}`, ADMINS.has(this.ctx.user.role) ? [
      h('a', { class: 'button button--secondary', href: links.dossier(n.id), download: `dossier-${n.id}.pdf`, id: 'nm-dossier' }, t('nm.dossier')),
      h('a', { class: 'button button--secondary', href: links.evidenceZip(n.id), download: `evidence-${n.id}.zip`, id: 'nm-zip' }, t('nm.evidence_zip')),
    ] : null, [crumb('#/movement', t('mv.title')), crumb(campHref(n.campaign), n.campaign), crumb(campHref(n.campaign, 'nominations'), t('nm.title')), crumb(null, subjectName(n))],
    h('div', { class: 'page-meta' }, nominationStatus(n.status))));
  }

  drawFacts() {
    const n = this.n;
    const facts = [
      ['col.unit', n.unit ? h('a', { href: unitHref(n.unit.code) }, n.unit.name) : t('common.none')],
      ['nm.subject_kind', t(`nm.kind.${(n.subject || {}).kind || 'collective'}`)],
      ['nm.form', formName(n)],
      ['nm.year', String(n.candidate_year)],
      ['col.status', nominationStatus(n.status)],
      ['col.created', time(n.created_at)],
    ];
    return card('nm-facts', t('nm.details'), null,
      h('dl', { class: 'facts' }, facts.map(([k, v]) => h('div', null, h('dt', null, t(k)), h('dd', null, v)))),
      n.summary ? h('div', { class: 'prose' }, h('h3', { class: 'subhead' }, t('nm.summary')), h('p', null, n.summary)) : null);
  }

  drawEligibility() {
    return card('nm-eligibility', t('nm.eligibility'), null, eligibilityReport(this.n.eligibility));
  }

  drawBallotPart() {
    const b = this.n.ballot;
    const closed = b.status === 'closed';
    return card('nm-ballot', t('nm.ballot'), h('a', { class: 'card__link', href: ballotHref(b.id) }, t('nm.open_ballot_page')),
      h('dl', { class: 'facts' },
        h('div', null, h('dt', null, t('col.status')), h('dd', null, pill(closed ? 'closed' : 'active', word('nm.ballot_status', b.status)))),
        h('div', null, h('dt', null, t('nm.threshold')), h('dd', null, t('nm.threshold_text', { pct: thresholdOf(b).pct, base: word('nm.base', thresholdOf(b).base) }))),
        closed ? h('div', null, h('dt', null, t('nm.tally')), h('dd', null, t('nm.tally_text', { yes: b.yes, no: b.no, abstain: b.abstain }))) : null,
        closed ? h('div', null, h('dt', null, t('nm.outcome')), h('dd', null, b.passed ? pill('active', t('nm.passed')) : pill('revoked', t('nm.not_passed')))) : null));
  }

  drawPosting() {
    const p = this.n.posting;
    const list = this.comments;
    return card('nm-posting', t('nm.posting'), null,
      h('p', null, t('nm.posting_text', { from: formatDay(p.from), until: formatDay(p.until) }), ' ',
        h('a', { href: links.publicNominations, target: '_blank', rel: 'noopener' }, t('nm.public_page'), h('span', { class: 'visually-hidden' }, ` ${t('cred.new_tab')}`))),
      h('p', null, t('nm.comments_count', { count: p.comments ?? (list ? list.length : 0) })),
      list && list.length ? h('ul', { class: 'plain-list comments' }, list.map((c) => h('li', { class: 'comment' },
        h('p', { class: 'comment__who' }, c.name, c.contact ? ` · ${c.contact}` : '', ' · ', time(c.at || c.created_at)),
        h('p', { class: 'comment__text' }, c.text)))) : null);
  }

  drawDecision() {
    const n = this.n;
    const d = n.decision;
    return card('nm-decision', t('nm.decision'), null,
      d ? h('dl', { class: 'facts' },
        h('div', null, h('dt', null, t('nm.decision_number')), h('dd', null, d.number)),
        h('div', null, h('dt', null, t('nm.decision_date')), h('dd', null, day(d.date))),
        h('div', null, h('dt', null, t('nm.issuer')), h('dd', null, d.issuer)),
        h('div', null, h('dt', null, t('nm.credential')), h('dd', null, n.credential
          ? h('a', { href: `#/credentials/${encodeURIComponent(n.credential)}`, id: 'nm-credential' }, t('nm.open_credential'))
          : t('common.none')))) : null,
      n.annulment ? h('div', { class: 'alert', id: 'nm-annulled' }, h('p', null, t('nm.annulled_text', { at: formatDay(n.annulment.at) })), h('p', null, n.annulment.reason)) : null);
  }

  // The steps this user may take now: [name, …].
  actions() {
    const n = this.n;
    const role = this.ctx.user.role;
    const out = [];
    if (role === MINISTRY && n.eligibility && n.eligibility.verdict === 'unknown' && !n.eligibility.confirmed && n.status === 'proposed') out.push('check');
    if (ADMINS.has(role) && n.status === 'proposed') out.push('withdraw');
    if (role === MINISTRY && n.status === 'passed') out.push('post');
    if (role === MINISTRY && n.status === 'posted') out.push('submit');
    if (role === MINISTRY && n.status === 'submitted') out.push('decide');
    if (role === MINISTRY && n.status === 'decided') out.push('annul');
    return out;
  }

  drawActions() {
    const a = this.a;
    const e = a.errors;
    const busy = (name) => a.busy === name;
    const btn = (name, cls = 'button--primary') => h('button', {
      type: 'submit', class: `button ${cls}`, id: `na-${name}-submit`, 'aria-disabled': a.busy ? 'true' : null,
    }, t(busy(name) ? 'nm.working' : `nm.action.${name}`));
    const form = (name, intro, fields, cls) => h('form', {
      class: 'form action-form', novalidate: true, 'aria-labelledby': `na-${name}`, onsubmit: (ev) => this.onAction(ev, name),
    },
    h('h3', { class: 'subhead', id: `na-${name}` }, t(`nm.action.${name}_title`)),
    intro ? h('p', { class: 'card__intro' }, intro) : null,
    ...fields,
    h('div', { class: 'form__actions' }, btn(name, cls)));
    const today = new Date().toISOString().slice(0, 10);
    const forms = this.actions().map((name) => {
      switch (name) {
        case 'check': return form(name, t('nm.action.check_intro'), [
          field({ id: 'na-check-note', label: t('nm.note'), error: e.check, input: { type: 'text', autocomplete: 'off' } })]);
        case 'withdraw': return form(name, t('nm.action.withdraw_intro'), [], 'button--danger');
        case 'post': return form(name, t('nm.action.post_intro'), [
          field({ id: 'na-post-days', label: t('nm.days'), error: e.post, input: { type: 'number', min: 1, max: 90, value: 10, inputmode: 'numeric', class: 'input--number' } })]);
        case 'submit': return form(name, t('nm.action.submit_intro'), []);
        case 'decide': return form(name, t('nm.action.decide_intro'), [
          h('div', { class: 'field-row' },
            field({ id: 'na-decide-number', label: t('nm.decision_number'), error: e.number, input: { type: 'text', autocomplete: 'off' } }),
            field({ id: 'na-decide-date', label: t('nm.decision_date'), error: e.date, input: { type: 'date', value: today } })),
          field({ id: 'na-decide-issuer', label: t('nm.issuer'), error: e.issuer, input: { type: 'text', autocomplete: 'off', value: t('nm.issuer_default') } })]);
        case 'annul': return form(name, t('nm.action.annul_intro'), [
          field({ id: 'na-annul-reason', control: 'textarea', label: t('nm.reason'), error: e.annul, input: { rows: 2, maxlength: 1000 } })], 'button--danger');
        default: return null;
      }
    });
    return card('nm-actions', t('nm.actions'), null, message(a.msg), forms);
  }

  async onAction(ev, name) {
    ev.preventDefault();
    const a = this.a;
    if (a.busy) return;
    const val = (id) => (this.find('actions', id) || { value: '' }).value.trim();
    a.errors = {};
    a.msg = null;
    let body;
    let focusId = null;
    if (name === 'check') body = { confirm: true, ...(val('na-check-note') ? { note: val('na-check-note') } : {}) };
    if (name === 'post') {
      const days = Number(val('na-post-days'));
      if (!Number.isInteger(days) || days < 1) { a.errors.post = { key: 'mv.error.number' }; focusId = 'na-post-days'; }
      body = { days };
    }
    if (name === 'decide') {
      body = { number: val('na-decide-number'), date: val('na-decide-date'), issuer: val('na-decide-issuer') };
      if (!body.number) { a.errors.number = { key: 'mv.error.required' }; focusId = focusId || 'na-decide-number'; }
      if (!body.date) { a.errors.date = { key: 'mv.error.required' }; focusId = focusId || 'na-decide-date'; }
      if (!body.issuer) { a.errors.issuer = { key: 'mv.error.required' }; focusId = focusId || 'na-decide-issuer'; }
    }
    if (name === 'annul') {
      body = { reason: val('na-annul-reason') };
      if (body.reason.length < 5) { a.errors.annul = { key: 'rv.error.reason' }; focusId = 'na-annul-reason'; }
    }
    if (focusId) {
      if (this.redraw('actions')) this.focus('actions', focusId);
      return;
    }
    const button = this.find('actions', `na-${name}-submit`);
    if (['withdraw', 'annul', 'decide', 'submit'].includes(name) && !(await this.confirm({
      heading: t(`nm.action.${name}_title`), text: t(`nm.confirm.${name}`), action: t(`nm.action.${name}`), danger: name === 'withdraw' || name === 'annul',
    }, button))) return;
    a.busy = name;
    setBusy(button, true, 'nm.working');
    let ok = false;
    try {
      await api.nominationAction(this.id, name, body);
      a.msg = { key: `nm.done.${name}`, kind: 'success' };
      ok = true;
    } catch (err) {
      if (err.status === 401) return;
      a.msg = err.status >= 400 && err.status < 500 ? { text: err.message, kind: 'error' } : requestError(err);
    } finally {
      a.busy = null;
    }
    if (!this.el || !this.el.isConnected) return;
    if (ok) {
      const done = a.msg;
      a.msg = null;
      await this.load();
      this.render(this.el);
      const first = this.parts.facts;
      if (first) first.insertBefore(message(done), first.querySelector('dl'));
      this.focus('facts', 'nm-facts');
      this.say(done);
      return;
    }
    if (this.redraw('actions')) this.focus('actions', 'nm-actions');
    this.say(a.msg);
  }

  drawSteps() {
    const steps = this.n.steps || [];
    return card('nm-steps', t('nm.steps'), count(t('nm.steps_count', { count: steps.length })),
      h('ol', { class: 'timeline' }, steps.map((s) => h('li', { class: 'timeline__item' },
        h('span', { class: 'timeline__what' }, word('nm.step', s.action)),
        h('span', { class: 'cell-sub' }, time(s.at), ' · ', s.actor),
        s.note && s.action !== 'propose' && s.action !== 'credential' ? h('span', { class: 'cell-sub' }, s.note) : null))));
  }
}

/* ==== a ballot ================================================================================================ */

export class BallotView extends PartsView {
  constructor(ctx, id) {
    super(ctx);
    this.id = id;
    this.b = null;
    this.v = { busy: false, msg: null, errors: {} };
    this.c = { busy: false, msg: null };
  }

  async load(signal) {
    this.b = await loadFor(this, () => api.ballot(this.id, signal));
    return this.b !== undefined;
  }

  failure() {
    return failureView(this.error, ['nm.ballot_notfound_title', 'nm.ballot_notfound']);
  }

  title() {
    return this.b ? (this.b.title || t('nm.ballot_no', { n: this.b.id })) : t('nm.ballot');
  }

  drawers() {
    const b = this.b;
    const d = { facts: this.drawFacts };
    if (b.status === 'open' && !b.you_voted && this.ctx.user.role === 'reviewer') d.vote = this.drawVote;
    if (b.status === 'closed') d.tally = this.drawTally;
    return d;
  }

  render(el) {
    const b = this.b;
    const back = this.ctx.user.role === 'reviewer' ? crumb('#/reviews', t('rv.title')) : crumb('#/movement', t('mv.title'));
    this.renderParts(el, pageHead(this.title(), t('nm.ballot_subtitle', { round: roundName(b) }), null, [back, crumb(null, this.title())],
      h('div', { class: 'page-meta' }, pill(b.status === 'open' ? 'active' : 'closed', word('nm.ballot_status', b.status)),
        b.secret ? pill('inactive', t('nm.secret')) : null)));
  }

  drawFacts() {
    const b = this.b;
    const c = this.c;
    const canClose = b.status === 'open' && (this.ctx.user.role === MINISTRY || this.ctx.user.role === 'reviewer');
    return card('bl-facts', t('nm.ballot'), null,
      message(c.msg),
      h('dl', { class: 'facts' },
        h('div', null, h('dt', null, t('nm.closes')), h('dd', null, b.closes_at ? time(b.closes_at) : t('common.none'))),
        h('div', null, h('dt', null, t('nm.threshold')), h('dd', null, t('nm.threshold_text', { pct: thresholdOf(b).pct, base: word('nm.base', thresholdOf(b).base) }))),
        h('div', null, h('dt', null, t('nm.turnout')), h('dd', null, t('nm.turnout_text', { voted: b.voted, members: b.members }))),
        h('div', null, h('dt', null, t('nm.you_voted')), h('dd', null, b.you_voted ? t('nm.voted_yes') : t('nm.voted_no')))),
      b.you_voted ? h('p', { class: 'notice notice--success', id: 'bl-voted' }, t('nm.vote_recorded')) : null,
      canClose ? h('div', { class: 'card__foot form__actions' },
        h('button', { type: 'button', class: 'button button--danger', id: 'bl-close', 'aria-disabled': c.busy ? 'true' : null, onclick: (e) => this.onClose(e.currentTarget) },
          t(c.busy ? 'nm.closing' : 'nm.close_ballot'))) : null);
  }

  drawVote() {
    const v = this.v;
    const items = (this.b.items || []).map((it) => {
      const n = it.nomination || { id: it.nomination_id };
      const id = `bv-${n.id}`;
      const err = v.errors[n.id];
      return h('fieldset', { class: 'field choice vote', 'aria-describedby': err ? `${id}-error` : null },
        h('legend', null, `${subjectName(n)} · ${formName(n)}`),
        h('div', { class: 'checks-grid' }, CHOICES.map((ch) => h('div', { class: 'field--check' },
          h('input', { type: 'radio', name: id, id: `${id}-${ch}`, value: ch }),
          h('label', { for: `${id}-${ch}` }, t(`nm.choice.${ch}`))))),
        err ? h('p', { class: 'field__error', id: `${id}-error` }, msgText(err)) : null);
    });
    return card('bl-vote', t('nm.vote'), null,
      h('p', { class: 'card__intro' }, t(this.b.secret ? 'nm.vote_intro_secret' : 'nm.vote_intro')),
      message(v.msg),
      h('form', { class: 'form', novalidate: true, 'aria-labelledby': 'bl-vote', onsubmit: (e) => this.onVote(e) },
        items,
        h('div', { class: 'form__actions' },
          h('button', { type: 'submit', class: 'button button--primary', id: 'bv-submit', 'aria-disabled': v.busy ? 'true' : null }, t(v.busy ? 'nm.voting' : 'nm.vote_submit')))));
  }

  async onVote(e) {
    e.preventDefault();
    const v = this.v;
    if (v.busy) return;
    v.errors = {};
    v.msg = null;
    const choices = [];
    for (const it of this.b.items || []) {
      const n = it.nomination || { id: it.nomination_id };
      const picked = CHOICES.find((ch) => (this.find('vote', `bv-${n.id}-${ch}`) || {}).checked);
      if (!picked) v.errors[n.id] = { key: 'nm.error.choice' };
      else choices.push({ nomination: n.id, choice: picked });
    }
    const first = (this.b.items || []).map((it) => (it.nomination || { id: it.nomination_id }).id).find((id) => v.errors[id]);
    if (first !== undefined) {
      if (this.redraw('vote')) this.focus('vote', `bv-${first}-yes`);
      return;
    }
    const button = this.find('vote', 'bv-submit');
    if (!(await this.confirm({ heading: t('nm.vote_title'), text: t('nm.vote_confirm'), action: t('nm.vote_submit'), danger: false }, button))) return;
    v.busy = true;
    setBusy(button, true, 'nm.voting');
    let ok = false;
    try {
      await api.vote(this.id, choices);
      ok = true;
    } catch (err) {
      if (err.status === 401) return;
      v.msg = err.status >= 400 && err.status < 500 ? { text: err.message, kind: 'error' } : requestError(err);
    } finally {
      v.busy = false;
    }
    if (!this.el || !this.el.isConnected) return;
    if (ok) {
      await this.load();
      this.render(this.el);
      this.focus('facts', 'bl-facts');
      this.say({ key: 'nm.vote_recorded' });
      return;
    }
    if (this.redraw('vote')) this.focus('vote', 'bl-vote');
    this.say(v.msg);
  }

  async onClose(button) {
    const c = this.c;
    if (c.busy) return;
    const b = this.b;
    const early = b.voted < b.members && (!b.closes_at || Date.now() < new Date(b.closes_at).getTime());
    const text = early ? `${t('nm.close_text')} ${t('nm.close_early', { voted: b.voted, members: b.members })}` : t('nm.close_text');
    if (!(await this.confirm({ heading: t('nm.close_title'), text, action: t('nm.close_ballot') }, button))) return;
    c.busy = true;
    setBusy(button, true, 'nm.closing');
    try {
      await api.closeBallot(this.id, early);
      this.b = await api.ballot(this.id);
      c.msg = { key: 'nm.ballot_closed', kind: 'success' };
    } catch (err) {
      if (err.status === 401) return;
      c.msg = err.status >= 400 && err.status < 500 ? { text: err.message, kind: 'error' } : requestError(err);
    } finally {
      c.busy = false;
    }
    if (!this.el || !this.el.isConnected) return;
    this.render(this.el);
    this.focus(this.b.status === 'closed' ? 'tally' : 'facts', this.b.status === 'closed' ? 'bl-tally' : 'bl-facts');
    this.say(c.msg);
  }

  drawTally() {
    const rows = (this.b.items || []).map((it) => {
      const n = it.nomination || { id: it.nomination_id };
      return h('tr', null,
        h('th', { scope: 'row', class: 'cell-main' }, h('a', { class: 'cell-link', href: nominationHref(n.id) }, subjectName(n)), h('span', { class: 'cell-sub' }, formName(n))),
        h('td', { 'data-label': t('nm.choice.yes') }, num(it.yes)),
        h('td', { 'data-label': t('nm.choice.no') }, num(it.no)),
        h('td', { 'data-label': t('nm.choice.abstain') }, num(it.abstain)),
        h('td', { 'data-label': t('nm.outcome') }, it.passed ? pill('active', t('nm.passed')) : pill('revoked', t('nm.not_passed'))));
    });
    return card('bl-tally', t('nm.tally'), null,
      h('p', { class: 'card__intro' }, t('nm.tally_intro', { pct: thresholdOf(this.b).pct, base: word('nm.base', thresholdOf(this.b).base), members: this.b.members, voted: this.b.voted })),
      table('bl-tally', [t('nm.subject'), t('nm.choice.yes'), t('nm.choice.no'), t('nm.choice.abstain'), t('nm.outcome')], rows));
  }
}

