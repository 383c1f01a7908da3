// The pages of the main area: welcome, one unit, and messages.
// Each view keeps its data so it can be drawn again after a change of language.

import { api, allUnits } from './api.js';
import { h, unitHref } from './dom.js';
import { t, word, currentLang, formatDate } from './i18n.js';

const ADMIN_ROLES = new Set(['ministry_admin', 'unit_admin']);

function badge(type) {
  return h('span', { class: `badge badge--${type}` }, word('badge', type));
}

function statusPill(status) {
  return h('span', { class: `status status--${status}` }, word('status', status));
}

export function title(text) {
  return h('h1', { class: 'page-title', id: 'page-title', tabindex: '-1' }, text);
}

function section(id, heading, ...body) {
  return h('section', { class: 'card', 'aria-labelledby': id },
    h('div', { class: 'card__head' }, h('h2', { class: 'card__title', id }, heading[0]), heading[1] || null),
    ...body);
}

export function provinceName(ctx, code) {
  if (!code) return '';
  const p = ctx.provinces.get(code);
  if (!p) return code;
  return currentLang() === 'en' ? (p.name_en || p.name) : p.name;
}

/* ---- message pages -------------------------------------------------------------------- */

export class MessageView {
  constructor(ctx, titleKey, textKey, params = {}, { retry = null } = {}) {
    Object.assign(this, { ctx, titleKey, textKey, params, retry });
  }
  async load() {}
  title() {
    return t(this.titleKey);
  }
  render(el) {
    el.replaceChildren(
      h('div', { class: 'card message-page' },
        title(t(this.titleKey)),
        h('p', null, t(this.textKey, this.params)),
        h('p', null,
          this.retry
            ? h('button', { type: 'button', class: 'button', onclick: this.retry }, t('common.retry'))
            : h('a', { class: 'button', href: '#/' }, t('page.back_home')))));
  }
}

/* ---- welcome -------------------------------------------------------------------------- */

export class HomeView {
  constructor(ctx) {
    this.ctx = ctx;
  }
  async load() {}
  title() {
    return t('home.title');
  }
  render(el) {
    const { user, roots } = this.ctx;
    const cards = roots.map((u) =>
      h('li', null,
        h('a', { class: 'unit-card', href: unitHref(u.code) },
          h('span', { class: 'unit-card__name' }, u.name),
          h('span', { class: 'unit-card__meta' }, h('span', { class: 'code' }, u.code), badge(u.type),
            u.children_count ? t('home.children', { count: u.children_count }) : null))));
    el.replaceChildren(
      h('section', { class: 'card welcome', 'aria-labelledby': 'page-title' },
        title(t('home.heading', { name: user.display_name || user.username })),
        h('p', { class: 'welcome__intro' }, t('home.intro'))),
      section('home-scope', [t('home.scope')],
        roots.length ? h('ul', { class: 'unit-cards' }, cards) : h('p', { class: 'card__empty' }, t('tree.empty'))));
  }
}

/* ---- one unit ------------------------------------------------------------------------- */

export class UnitView {
  constructor(ctx, code) {
    this.ctx = ctx;
    this.code = code;
    this.unit = null;
    this.children = null;
    this.childrenError = null;
    this.people = null;       // null: not shown
    this.peopleError = null;
    this.error = null;
  }

  // Returns false when the unit itself could not be loaded (this.error is set).
  async load(signal) {
    const isAdmin = ADMIN_ROLES.has(this.ctx.user.role);
    const unitP = api.unit(this.code, signal);
    const childrenP = allUnits({ parent: this.code }, { signal }).then(
      (v) => { this.children = v; },
      (e) => { this.childrenError = e; });
    const peopleP = isAdmin
      ? api.people(this.code, signal).then(
        (v) => { this.people = v.people || []; },
        (e) => { if (e.status !== 403 && e.status !== 401) this.peopleError = e; })
      : Promise.resolve();
    try {
      this.unit = await unitP;
    } catch (e) {
      this.error = e;
      await Promise.allSettled([childrenP, peopleP]);
      return false;
    }
    await Promise.all([childrenP, peopleP]);
    return true;
  }

  title() {
    return this.unit ? this.unit.name : this.code;
  }

  // The codes from the root to this unit, for the tree.
  path() {
    return this.unit ? [...(this.unit.ancestors || []).map((a) => a.code), this.unit.code] : [];
  }

  render(el) {
    const u = this.unit;
    const en = currentLang() === 'en';
    const crumbs = (u.ancestors || []).map((a) =>
      h('li', null, a.readable ? h('a', { href: unitHref(a.code) }, a.name) : h('span', null, a.name)));
    crumbs.push(h('li', null, h('span', { 'aria-current': 'page' }, u.name)));

    const parent = (u.ancestors || [])[u.ancestors.length - 1];
    const facts = [
      ['unit.code', h('span', { class: 'code' }, u.code)],
      ['unit.type', word('type', u.type)],
      ['unit.province', provinceName(this.ctx, u.province) || t('common.none')],
      ['unit.status', statusPill(u.status)],
      ['unit.parent', parent ? (parent.readable ? h('a', { href: unitHref(parent.code) }, parent.name) : parent.name) : t('common.none')],
      ['unit.children_count', String(u.children_count ?? 0)],
      ['unit.updated', formatDate(u.updated_at)],
    ];

    const parts = [
      h('nav', { class: 'breadcrumb', 'aria-label': t('unit.breadcrumb') }, h('ol', null, crumbs)),
      h('header', { class: 'page-head' },
        title(u.name),
        en && u.name_en ? h('p', { class: 'page-subtitle', lang: 'en' }, u.name_en) : null,
        h('div', { class: 'page-meta' }, h('span', { class: 'code' }, u.code), badge(u.type), statusPill(u.status)),
        ADMIN_ROLES.has(this.ctx.user.role)
          ? h('div', { class: 'page-actions' },
            h('a', { class: 'button button--secondary button--small', href: `#/credentials?issuer=${encodeURIComponent(u.code)}` }, t('unit.credentials')),
            h('a', { class: 'button button--secondary button--small', href: `${unitHref(u.code)}/keys` }, t('unit.keys')))
          : null),
      section('unit-details', [t('unit.details')],
        h('dl', { class: 'facts' }, facts.map(([k, v]) => h('div', null, h('dt', null, t(k)), h('dd', null, v))))),
      this.renderChildren(),
    ];
    if (this.people !== null || this.peopleError) parts.push(this.renderPeople());
    el.replaceChildren(...parts);
  }

  renderChildren() {
    const head = [t('unit.children')];
    if (this.childrenError) {
      return section('unit-children', head, h('p', { class: 'alert', role: 'alert' }, t('unit.children_error')));
    }
    const list = this.children || [];
    head.push(h('span', { class: 'card__count' }, t('unit.children_count_n', { count: list.length })));
    if (!list.length) return section('unit-children', head, h('p', { class: 'card__empty' }, t('unit.children_none')));
    const showProvince = new Set(list.map((c) => c.province)).size > 1;
    const cols = [t('col.name'), t('col.code'), t('col.type')];
    if (showProvince) cols.push(t('col.province'));
    cols.push(t('col.status'));
    const rows = list.map((c) => h('tr', null,
      h('th', { scope: 'row', class: 'cell-main' }, h('a', { class: 'cell-link', href: unitHref(c.code) }, c.name)),
      h('td', { 'data-label': t('col.code') }, h('span', { class: 'code' }, c.code)),
      h('td', { 'data-label': t('col.type') }, badge(c.type)),
      showProvince ? h('td', { 'data-label': t('col.province') }, provinceName(this.ctx, c.province)) : null,
      h('td', { 'data-label': t('col.status') }, statusPill(c.status))));
    return section('unit-children', head,
      h('div', { class: 'table-wrap' },
        h('table', { class: 'data-table' },
          h('caption', { class: 'visually-hidden' }, t('unit.children_caption', { name: this.unit.name })),
          h('thead', null, h('tr', null, cols.map((c) => h('th', { scope: 'col' }, c)))),
          h('tbody', null, rows))));
  }

  renderPeople() {
    const head = [t('unit.people')];
    if (this.peopleError) {
      return section('unit-people', head, h('p', { class: 'alert', role: 'alert' }, t('unit.people_error')));
    }
    const list = this.people;
    head.push(h('span', { class: 'card__count' }, t('unit.people_count', { count: list.length })));
    if (!list.length) return section('unit-people', head, h('p', { class: 'card__empty' }, t('unit.people_none')));
    const rows = list.map((p) => h('tr', null,
      h('th', { scope: 'row', class: 'cell-main' }, p.full_name),
      h('td', { 'data-label': t('col.kind') }, word('kind', p.kind)),
      h('td', { 'data-label': t('col.national_id'), class: 'cell-nowrap' }, h('span', { class: 'code' }, p.national_id_masked)),
      h('td', { 'data-label': t('col.status') }, statusPill(p.status))));
    return section('unit-people', head,
      h('div', { class: 'table-wrap' },
        h('table', { class: 'data-table' },
          h('caption', { class: 'visually-hidden' }, t('unit.people_caption', { name: this.unit.name })),
          h('thead', null, h('tr', null,
            [t('col.full_name'), t('col.kind'), t('col.national_id'), t('col.status')].map((c) => h('th', { scope: 'col' }, c)))),
          h('tbody', null, rows))));
  }
}
