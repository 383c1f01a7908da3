// Pieces shared by the pages: messages, labelled fields, a confirmation dialog,
// a file drop zone, and PartsView, a page made of sections that can be drawn
// again one at a time (keeping what was typed) after an action or a change of language.

import { h } from './dom.js';
import { t, formatDate } from './i18n.js';

/* ---- messages ------------------------------------------------------------------------- */

// A message is { key, params, text, kind }; a server text (the fallback) wins over the key.
// params may be a function, so that words inside it follow a change of language.
export function msgText(m) {
  if (!m) return '';
  if (m.text) return m.text;
  return t(m.key, typeof m.params === 'function' ? m.params() : m.params);
}

// Errors that belong to no field: the connection, the server, or its own words.
export function requestError(e) {
  if (e.status === 0) return { key: 'error.network', kind: 'error' };
  if (e.status >= 500) return { key: 'error.server', params: { status: e.status }, kind: 'error' };
  return e.message ? { text: e.message, kind: 'error' } : { key: 'error.generic', kind: 'error' };
}

export function message(m, extraClass = '') {
  if (!m) return null;
  const cls = m.kind === 'error' ? 'alert' : m.kind === 'success' ? 'notice notice--success' : m.kind === 'warning' ? 'alert alert--warning' : 'notice';
  return h('p', { class: `${cls} account-msg ${extraClass}`.trim() }, msgText(m));
}

/* ---- fields ----------------------------------------------------------------------------- */

// What was typed in the fields under `root` (by id), and which of them had the focus.
export function capture(root) {
  const values = new Map();
  for (const el of root.querySelectorAll('input[id], select[id], textarea[id]')) {
    if (el.type === 'file') continue;
    values.set(el.id, el.type === 'checkbox' || el.type === 'radio' ? el.checked : el.value);
  }
  const active = document.activeElement;
  return { values, focus: active && active.id && root.contains(active) ? active.id : null };
}

export function restore(root, saved, skip = []) {
  for (const [id, v] of saved.values) {
    if (skip.includes(id)) continue;
    const el = root.querySelector(`#${CSS.escape(id)}`);
    if (!el || el.readOnly) continue;
    if (typeof v === 'boolean') el.checked = v;
    else el.value = v;
  }
  if (saved.focus) {
    const el = root.querySelector(`#${CSS.escape(saved.focus)}`);
    if (el) el.focus();
  }
}

// A labelled field with an optional hint (above the control, or below it when it
// describes the choice made) and a place for its error.
export function field({ id, label, hint, hintBelow = false, error, input, control = 'input', children = null, extra = null }) {
  const described = [hint ? `${id}-hint` : null, `${id}-error`].filter(Boolean).join(' ');
  const hintEl = hint ? h('p', { class: 'field__hint', id: `${id}-hint` }, hint) : null;
  return h('div', { class: 'field' },
    h('label', { for: id }, label),
    hintBelow ? null : hintEl,
    h(control, { id, 'aria-describedby': described, 'aria-invalid': error ? 'true' : 'false', ...input }, children),
    extra,
    hintBelow ? hintEl : null,
    h('p', { class: 'field__error', id: `${id}-error`, hidden: !error }, msgText(error)));
}

export function time(iso, text) {
  if (!iso) return t('common.none');
  return h('time', { datetime: iso, title: text ? formatDate(iso) : null }, text ?? formatDate(iso));
}

export function setBusy(button, busy, key) {
  if (!button) return;
  if (busy) button.setAttribute('aria-disabled', 'true');
  else button.removeAttribute('aria-disabled');
  button.textContent = t(key);
}

/* ---- confirmation ------------------------------------------------------------------------ */

// A modal question; resolves true when the action is confirmed. Escape cancels.
export function confirmDialog({ heading, text, action, danger = true, parent = document.body }) {
  return new Promise((resolve) => {
    const cancel = h('button', { type: 'button', class: 'button button--secondary' }, t('common.cancel'));
    const ok = h('button', { type: 'button', class: danger ? 'button button--danger' : 'button button--primary' }, action);
    const dlg = h('dialog', {
      class: 'dialog', role: 'alertdialog',
      'aria-labelledby': 'dialog-title', 'aria-describedby': 'dialog-text',
    },
    h('h2', { class: 'dialog__title', id: 'dialog-title' }, heading),
    h('p', { class: 'dialog__text', id: 'dialog-text' }, text),
    h('div', { class: 'dialog__actions' }, cancel, ok));
    cancel.addEventListener('click', () => dlg.close('cancel'));
    ok.addEventListener('click', () => dlg.close('confirm'));
    dlg.addEventListener('close', () => {
      dlg.remove();
      resolve(dlg.returnValue === 'confirm');
    });
    parent.appendChild(dlg);
    dlg.showModal();
    cancel.focus();
  });
}

/* ---- choosing a file: a button, or drag and drop ----------------------------------------- */

/**
 * A drop zone with a "choose a file" button around a hidden <input type=file>.
 * onFile(file) is called with the chosen or dropped file; the zone shows its name.
 */
export function dropZone({ id, accept, text, button, fileName = null, onFile }) {
  const input = h('input', { type: 'file', id, accept, class: 'dropzone__input', tabindex: '-1', 'aria-hidden': 'true' });
  const name = h('p', { class: 'dropzone__file', id: `${id}-name`, hidden: !fileName }, fileName ? t('drop.chosen', { name: fileName }) : null);
  const pick = h('button', { type: 'button', class: 'button button--secondary', id: `${id}-button`, 'aria-describedby': `${id}-name` }, button);
  const zone = h('div', { class: 'dropzone', id: `${id}-zone` },
    h('span', { class: 'dropzone__icon', 'aria-hidden': 'true' }),
    h('p', { class: 'dropzone__text' }, text),
    pick, input, name);
  const take = (file) => {
    if (!file) return;
    name.hidden = false;
    name.textContent = t('drop.chosen', { name: file.name });
    onFile(file);
  };
  pick.addEventListener('click', () => input.click());
  input.addEventListener('change', () => {
    take(input.files && input.files[0]);
    input.value = '';
  });
  let depth = 0;
  zone.addEventListener('dragenter', (e) => {
    e.preventDefault();
    depth++;
    zone.classList.add('dropzone--over');
  });
  zone.addEventListener('dragover', (e) => {
    e.preventDefault();
    if (e.dataTransfer) e.dataTransfer.dropEffect = 'copy';
  });
  zone.addEventListener('dragleave', () => {
    depth = Math.max(0, depth - 1);
    if (!depth) zone.classList.remove('dropzone--over');
  });
  zone.addEventListener('drop', (e) => {
    e.preventDefault();
    depth = 0;
    zone.classList.remove('dropzone--over');
    take(e.dataTransfer && e.dataTransfer.files && e.dataTransfer.files[0]);
  });
  return zone;
}

// Save text as a file (JSON, CSV) from the browser.
export function download(name, text, type) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = h('a', { href: url, download: name, hidden: true });
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/* ---- a page made of sections ---------------------------------------------------------------- */

export class PartsView {
  constructor(ctx) {
    this.ctx = ctx;
    this.el = null;
    this.parts = {}; // the drawn sections, by name, in page order
  }

  // { name: method } in page order; every method returns one element.
  drawers() {
    return {};
  }

  // Draw the page: `head` elements, then every section; keeps what was typed when drawn again.
  renderParts(el, ...head) {
    const saved = this.el === el ? capture(el) : null;
    this.el = el;
    this.parts = {};
    for (const [name, draw] of Object.entries(this.drawers())) this.parts[name] = draw.call(this);
    el.replaceChildren(...head.filter(Boolean), ...Object.values(this.parts));
    if (saved) restore(el, saved);
  }

  // Draw one section again, keeping what was typed in it (except the fields in `clear`).
  // False when the page is no longer shown.
  redraw(name, clear = []) {
    const old = this.parts[name];
    if (!old || !old.isConnected) return false;
    const saved = capture(old);
    const next = this.drawers()[name].call(this);
    old.replaceWith(next);
    this.parts[name] = next;
    restore(next, saved, clear);
    return true;
  }

  find(part, id) {
    const root = this.parts[part];
    return root && root.isConnected ? root.querySelector(`#${CSS.escape(id)}`) : null;
  }

  focus(part, id) {
    const el = this.find(part, id);
    if (el) el.focus();
  }

  say(m) {
    if (m && this.ctx.announce) this.ctx.announce(msgText(m));
  }

  message(m) {
    return message(m);
  }

  loadError(key, retry) {
    return h('div', { class: 'alert load-error' },
      h('p', null, t(key)),
      h('button', { type: 'button', class: 'button button--secondary button--small', onclick: retry }, t('common.retry')));
  }

  // Forget the error of one field as soon as it is edited.
  clearError(state, key, part, id) {
    if (!state.errors[key]) return;
    delete state.errors[key];
    const input = this.find(part, id);
    const err = this.find(part, `${id}-error`);
    if (input) input.setAttribute('aria-invalid', 'false');
    if (err) {
      err.hidden = true;
      err.textContent = '';
    }
  }

  // Ask before acting; on "cancel" focus goes back to the button that asked (returnTo).
  async confirm(opts, returnTo = null) {
    const ok = await confirmDialog({ ...opts, parent: this.el || document.body });
    if (!ok && returnTo && returnTo.isConnected) returnTo.focus();
    return ok;
  }
}
