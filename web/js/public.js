// The public page /nominations: the nominations posted for comments, readable without signing
// in, each with a form to send a comment (name, an optional contact, the text) while its
// posting window is open.

import { api } from './api.js';
import { $, h } from './dom.js';
import { applyStatic, formatDay, onLangChange, savedLang, setLang, t } from './i18n.js';
import { capture, field, message, msgText, requestError, restore, setBusy } from './ui.js';

const state = {
  items: null,
  error: null,
  forms: new Map(), // nomination id → { busy, msg, errors }
};

function pair(o) {
  if (!o) return '';
  if (typeof o === 'string') return o;
  return (document.documentElement.lang === 'en' ? o.en : o.vi) || o.vi || o.en || '';
}

function say(text) {
  const live = $('#public-live');
  live.textContent = '';
  setTimeout(() => { live.textContent = text; }, 30);
}

function syncLangButtons() {
  const lang = document.documentElement.lang;
  for (const b of document.querySelectorAll('.lang-switch__btn')) {
    b.setAttribute('aria-pressed', b.dataset.lang === lang ? 'true' : 'false');
  }
}

function isOpen(p) {
  if (!p) return false;
  if (typeof p.open === 'boolean') return p.open;
  const now = Date.now();
  return new Date(p.from).getTime() <= now && now <= new Date(p.until).getTime() + 86400000;
}

function formOf(id) {
  const key = String(id);
  if (!state.forms.has(key)) state.forms.set(key, { busy: false, msg: null, errors: {} });
  return state.forms.get(key);
}

function drawItem(n) {
  const f = formOf(n.id);
  const p = n.posting;
  const base = `pc-${n.id}`;
  const open = isOpen(p);
  const subject = (n.subject && n.subject.name) || (n.unit && n.unit.name) || '';
  return h('article', { class: 'card posted', 'aria-labelledby': `${base}-title`, dataset: { id: n.id } },
    h('div', { class: 'card__head' },
      h('h2', { class: 'card__title', id: `${base}-title`, tabindex: '-1' }, subject)),
    h('dl', { class: 'facts' },
      h('div', null, h('dt', null, t('pub.form')), h('dd', null, pair(n.form_name) || n.form)),
      h('div', null, h('dt', null, t('pub.unit')), h('dd', null, n.unit ? n.unit.name : '')),
      p ? h('div', null, h('dt', null, t('pub.window')), h('dd', null, t('pub.window_text', { from: formatDay(p.from), until: formatDay(p.until) }))) : null),
    n.summary ? h('p', { class: 'prose' }, n.summary) : null,
    open ? h('form', { class: 'form public-comment', novalidate: true, 'aria-labelledby': `${base}-heading`, dataset: { id: n.id } },
      h('h3', { class: 'subhead', id: `${base}-heading` }, t('pub.comment_heading', { name: subject })),
      message(f.msg),
      h('div', { class: 'field-row' },
        field({ id: `${base}-name`, label: t('pub.name'), error: f.errors.name, input: { type: 'text', autocomplete: 'name', maxlength: 200 } }),
        field({ id: `${base}-contact`, label: t('pub.contact'), hint: t('pub.contact_hint'), input: { type: 'text', autocomplete: 'email', maxlength: 200 } })),
      field({ id: `${base}-text`, control: 'textarea', label: t('pub.text'), error: f.errors.text, input: { rows: 4, maxlength: 4000 } }),
      h('div', { class: 'form__actions' },
        h('button', { type: 'submit', class: 'button button--primary', id: `${base}-submit`, 'aria-disabled': f.busy ? 'true' : null }, t(f.busy ? 'pub.sending' : 'pub.send'))))
      : h('p', { class: 'notice' }, message(f.msg) ? msgText(f.msg) : t('pub.closed')));
}

function drawAll() {
  document.title = `${t('pub.title')} · ${t('app.name')}`;
  syncLangButtons();
  const el = $('#public-list');
  const saved = capture(el);
  let content;
  if (state.error) content = [h('p', { class: 'alert', role: 'alert' }, msgText(requestError(state.error)))];
  else if (!state.items) content = [h('p', { class: 'loading-line', role: 'status' }, t('app.loading'))];
  else if (!state.items.length) content = [h('p', { class: 'card card__empty' }, t('pub.none'))];
  else content = [h('p', { class: 'public-count' }, t('pub.count', { count: state.items.length })), ...state.items.map(drawItem)];
  el.replaceChildren(...content);
  restore(el, saved);
}

async function onSubmit(form) {
  const id = form.dataset.id;
  const f = formOf(id);
  if (f.busy) return;
  const base = `pc-${id}`;
  const val = (x) => ($(`#${base}-${x}`) || { value: '' }).value.trim();
  const body = { name: val('name'), text: val('text') };
  if (val('contact')) body.contact = val('contact');
  f.errors = {};
  f.msg = null;
  if (!body.name) f.errors.name = { key: 'pub.error.name' };
  if (body.text.length < 5) f.errors.text = { key: 'pub.error.text' };
  if (f.errors.name || f.errors.text) {
    drawAll();
    $(`#${base}-${f.errors.name ? 'name' : 'text'}`).focus();
    return;
  }
  f.busy = true;
  setBusy($(`#${base}-submit`), true, 'pub.sending');
  let ok = false;
  try {
    await api.publicComment(id, body);
    ok = true;
    f.msg = { key: 'pub.sent', kind: 'success' };
  } catch (e) {
    f.msg = e.status === 409 ? { key: 'pub.window_closed', kind: 'error' } : (e.status === 400 ? { text: e.message, kind: 'error' } : requestError(e));
  } finally {
    f.busy = false;
  }
  if (ok) {
    for (const x of ['name', 'contact', 'text']) {
      const input = $(`#${base}-${x}`);
      if (input) input.value = '';
    }
  }
  drawAll();
  $(`#${base}-heading`).setAttribute('tabindex', '-1');
  $(`#${base}-heading`).focus();
  say(msgText(f.msg));
}

async function load() {
  try {
    state.items = (await api.publicNominations()).items || [];
    state.error = null;
  } catch (e) {
    state.error = e;
  }
  drawAll();
}

async function boot() {
  try {
    await setLang(savedLang(), { remember: false });
  } catch {
    document.documentElement.classList.remove('is-booting');
    $('#public-list').textContent = 'edudx: không tải được giao diện · could not load the interface';
    return;
  }
  document.documentElement.classList.remove('is-booting');
  for (const b of document.querySelectorAll('.lang-switch__btn')) {
    b.addEventListener('click', () => setLang(b.dataset.lang));
  }
  onLangChange(() => {
    applyStatic(document);
    drawAll();
  });
  $('.skip-link').addEventListener('click', (e) => {
    e.preventDefault();
    $('#main').focus();
  });
  $('#public-list').addEventListener('submit', (e) => {
    const form = e.target.closest('form.public-comment');
    if (!form) return;
    e.preventDefault();
    onSubmit(form);
  });
  drawAll();
  await load();
}

boot();
