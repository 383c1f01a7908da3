// The 2027 and 2030 reviews of a campaign (ministry and unit admins, in their scope):
//   #/movement/{code}/milestones/{milestone}
// pledges beside reported values per indicator, by unit type and province, reports by period,
// initiatives, review scores and awards; the server's SVG charts; CSV, XLSX and PDF exports.
// (docs/milestone-reviews.md)

import { api, links, loadFor } from './api.js';
import { h } from './dom.js';
import { formatDay, t, word } from './i18n.js';
import { campHref, card, count, crumb, empty, failureView, loc, num, pageHead, percent, pill, table } from './movement.js';
import { PartsView } from './ui.js';
import { provinceName } from './views.js';

const CHARTS = ['achievement', 'types', 'reports', 'provinces'];

function ratio(x) {
  return x === null || x === undefined ? t('common.none') : percent(x, 1);
}

export class MilestoneView extends PartsView {
  constructor(ctx, code, milestone) {
    super(ctx);
    Object.assign(this, { code, milestone });
    this.r = null;
  }

  async load(signal) {
    this.r = await loadFor(this, () => api.milestoneReview(this.code, this.milestone, signal));
    return this.r !== undefined;
  }

  failure() {
    return failureView(this.error, ['ms.notfound_title', 'ms.notfound'], { code: this.milestone });
  }

  title() {
    return this.r ? loc(this.r.milestone) : this.milestone;
  }

  drawers() {
    return { summary: this.drawSummary, charts: this.drawCharts, types: this.drawTypes, provinces: this.drawProvinces, units: this.drawUnits };
  }

  render(el) {
    const r = this.r;
    const exp = (format, level, key) => h('a', {
      class: 'button button--secondary', download: '', href: links.milestoneExport(this.code, this.milestone, format, level),
    }, t(key));
    this.renderParts(el, pageHead(loc(r.milestone), t('ms.subtitle', { campaign: loc(r.campaign), phase: loc(r.phase), on: formatDay(r.milestone.on) }), [
      exp('pdf', null, 'ms.export_pdf'), exp('xlsx', null, 'ms.export_xlsx'), exp('csv', 'units', 'ms.export_csv'),
    ], [crumb('#/movement', t('mv.title')), crumb(campHref(this.code), this.code), crumb(null, loc(r.milestone))]));
  }

  drawSummary() {
    const x = this.r.totals;
    const items = [
      ['mv.dash.eligible', num(x.eligible)], ['mv.dash.registered', num(x.registered)], ['ms.reported', num(x.reported)],
      ['mv.dash.init_submitted', num(x.initiatives)], ['mv.dash.init_recognised', num(x.recognised)],
      ['mv.dash.init_adoptions', num(x.adoptions)], ['ms.awards', num(x.awards)], ['ms.review_mean', num(x.review_mean, 2)],
    ];
    const inds = (this.r.indicators || []).map((ind) => {
      const s = (x.indicators || {})[ind.code] || {};
      return h('tr', null,
        h('th', { scope: 'row', class: 'cell-main' }, loc(ind), h('span', { class: 'cell-sub' }, h('span', { class: 'code' }, ind.code))),
        h('td', { 'data-label': t('ms.pledged') }, num(s.pledged)),
        h('td', { 'data-label': t('ms.reported') }, num(s.reported)),
        h('td', { 'data-label': t('ms.met') }, t('ms.met_of', { met: s.met ?? 0, compared: s.compared ?? 0 })),
        h('td', { 'data-label': t('ms.mean_achievement') }, ratio(s.mean_achievement)));
    });
    return card('ms-summary', t('ms.summary'), this.r.round ? count(t('ms.round', { round: this.r.round.name || this.r.round.code || '' })) : null,
      h('dl', { class: 'stats' }, items.map(([k, v]) => h('div', { class: 'stats__item' }, h('dt', null, t(k)), h('dd', null, v)))),
      h('h3', { class: 'subhead', id: 'ms-indicators' }, t('mv.indicators')),
      table('ms-indicators', [t('mv.col.indicator'), t('ms.pledged'), t('ms.reported'), t('ms.met'), t('ms.mean_achievement')], inds));
  }

  drawCharts() {
    return card('ms-charts', t('ms.charts'), null,
      h('div', { class: 'charts' }, CHARTS.map((name) => h('figure', { class: 'chart' },
        h('img', { src: links.milestoneChart(this.code, this.milestone, name), alt: t(`ms.chart.${name}`), loading: 'lazy' }),
        h('figcaption', null, t(`ms.chart.${name}`))))));
  }

  groupRows(list, nameOf) {
    return list.map((g) => h('tr', null,
      h('th', { scope: 'row', class: 'cell-main' }, nameOf(g)),
      h('td', { 'data-label': t('mv.dash.eligible') }, num(g.eligible)),
      h('td', { 'data-label': t('mv.dash.registered') }, num(g.registered)),
      h('td', { 'data-label': t('ms.reported') }, num(g.reported)),
      h('td', { 'data-label': t('ms.initiatives') }, num(g.initiatives)),
      h('td', { 'data-label': t('ms.awards') }, num(g.awards)),
      h('td', { 'data-label': t('ms.review_mean') }, num(g.review_mean, 2))));
  }

  groupCols(first) {
    return [first, t('mv.dash.eligible'), t('mv.dash.registered'), t('ms.reported'), t('ms.initiatives'), t('ms.awards'), t('ms.review_mean')];
  }

  drawTypes() {
    const list = (this.r.types || []).filter((g) => g.eligible || g.registered);
    return card('ms-types', t('mv.dash.by_type'), null,
      list.length ? table('ms-types', this.groupCols(t('col.type')), this.groupRows(list, (g) => word('type', g.type) || loc(g))) : empty('mv.dash.none'));
  }

  drawProvinces() {
    const list = (this.r.provinces || []).filter((g) => g.eligible || g.registered);
    return card('ms-provinces', t('mv.dash.by_province'), count(t('mv.dash.provinces_count', { count: list.length })),
      h('details', { class: 'more' }, h('summary', null, t('mv.dash.show_provinces')),
        table('ms-provinces', this.groupCols(t('col.province')), this.groupRows(list, (g) => provinceName(this.ctx, g.province) || loc(g)))));
  }

  drawUnits() {
    const list = this.r.units || [];
    const rows = list.map((u) => {
      const inds = Object.values(u.indicators || {});
      const compared = inds.filter((v) => v.achievement !== undefined && v.achievement !== null).length;
      const met = inds.filter((v) => v.met).length;
      return h('tr', null,
        h('th', { scope: 'row', class: 'cell-main' }, u.name, h('span', { class: 'cell-sub' }, h('span', { class: 'code' }, u.code), ' · ', word('type', u.type))),
        h('td', { 'data-label': t('ms.reported') }, u.reported ? pill('active', t('ms.yes')) : pill('closed', t('ms.no'))),
        h('td', { 'data-label': t('ms.met') }, t('ms.met_of', { met, compared })),
        h('td', { 'data-label': t('ms.initiatives') }, num((u.initiatives || {}).submitted)),
        h('td', { 'data-label': t('ms.score') }, u.review ? `${num(u.review.score, 2)} ± ${num(u.review.se, 2)} · ${t('rv.rank', { n: u.review.rank })}` : t('common.none')),
        h('td', { 'data-label': t('ms.awards') }, (u.awards || []).length ? u.awards.map((a) => loc({ name: (a.form_name || {}).vi, name_en: (a.form_name || {}).en }) || a.form).join('; ') : t('common.none')));
    });
    return card('ms-units', t('ms.units'), count(t('ms.units_count', { count: list.length })),
      h('p', { class: 'card__intro' }, t('ms.units_intro')),
      rows.length ? table('ms-units', [t('col.unit'), t('ms.reported'), t('ms.met'), t('ms.initiatives'), t('ms.score'), t('ms.awards')], rows) : empty('ms.no_units'));
  }
}
