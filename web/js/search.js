// The unit search box: an ARIA combobox with a listbox of matches. Queries
// GET /api/v1/units?q= after a short pause in typing; accents are optional.

import { api } from './api.js';
import { h } from './dom.js';
import { t, word } from './i18n.js';

const DEBOUNCE_MS = 220;
const MIN_CHARS = 2;
const LIMIT = 20;

export class UnitSearch {
  constructor({ root, input, popup, list, message, status, onOpen }) {
    Object.assign(this, { root, input, popup, list, message, status, onOpen });
    this.results = [];
    this.more = false;
    this.active = -1;
    this.timer = null;
    this.ctrl = null;
    this.seq = 0;
    this.state = 'idle'; // idle | searching | done | error
    this.lastQuery = '';
    this.pending = null;

    input.addEventListener('input', () => this.schedule());
    input.addEventListener('keydown', (e) => this.onKey(e));
    input.addEventListener('focus', () => {
      if (this.results.length || this.state === 'done') this.show();
    });
    root.addEventListener('focusout', (e) => {
      if (!e.relatedTarget || !root.contains(e.relatedTarget)) this.hide();
    });
    // Keep the focus in the input when an option is clicked.
    list.addEventListener('mousedown', (e) => e.preventDefault());
    list.addEventListener('click', (e) => {
      const li = e.target.closest('[role="option"]');
      if (li) this.openAt(Number(li.dataset.index));
    });
  }

  reset() {
    clearTimeout(this.timer);
    if (this.ctrl) this.ctrl.abort();
    this.input.value = '';
    this.results = [];
    this.state = 'idle';
    this.lastQuery = '';
    this.render();
    this.hide();
  }

  schedule() {
    clearTimeout(this.timer);
    const q = this.input.value.trim();
    if (q.length < MIN_CHARS) {
      if (this.ctrl) this.ctrl.abort();
      this.seq++;
      this.results = [];
      this.state = 'idle';
      this.lastQuery = '';
      this.render();
      this.hide();
      return;
    }
    this.pending = new Promise((resolve) => {
      this.timer = setTimeout(() => resolve(this.run(q)), DEBOUNCE_MS);
    });
  }

  async run(q) {
    if (this.ctrl) this.ctrl.abort();
    const ctrl = new AbortController();
    this.ctrl = ctrl;
    const seq = ++this.seq;
    this.state = 'searching';
    this.lastQuery = q;
    this.renderMessage();
    this.show();
    try {
      const page = await api.units({ q, limit: LIMIT }, ctrl.signal);
      if (seq !== this.seq) return;
      this.results = page.units || [];
      this.more = page.next_offset !== null && page.next_offset !== undefined;
      this.state = 'done';
    } catch (e) {
      if (seq !== this.seq || (e && e.name === 'AbortError')) return;
      this.results = [];
      this.state = e && e.status === 401 ? 'idle' : 'error';
    } finally {
      if (this.ctrl === ctrl) this.ctrl = null;
    }
    this.active = -1;
    this.render();
    this.announce();
    if (document.activeElement === this.input) this.show();
  }

  announce() {
    let s = '';
    if (this.state === 'done') s = this.results.length ? t('search.count', { count: this.results.length }) : t('search.none');
    else if (this.state === 'error') s = t('search.error');
    this.status.textContent = s;
  }

  render() {
    const items = this.results.map((u, i) =>
      h('li', {
        role: 'option',
        id: `search-opt-${i}`,
        class: 'search__option',
        'aria-selected': i === this.active ? 'true' : 'false',
        dataset: { index: String(i), code: u.code },
      },
      h('span', { class: 'search__option-name' }, u.name),
      h('span', { class: 'search__option-meta' },
        h('span', { class: 'code' }, u.code),
        h('span', { class: `badge badge--${u.type}` }, word('badge', u.type)))));
    this.list.replaceChildren(...items);
    this.renderMessage();
    this.syncActive();
  }

  renderMessage() {
    let s = '';
    if (this.state === 'searching') s = t('search.searching');
    else if (this.state === 'error') s = t('search.error');
    else if (this.state === 'done' && !this.results.length) s = t('search.none');
    else if (this.state === 'done' && this.more) s = t('search.more');
    this.message.textContent = s;
    this.message.hidden = !s;
  }

  // After a change of language.
  relabel() {
    this.render();
  }

  show() {
    if (this.state === 'idle') return;
    this.popup.hidden = false;
    this.input.setAttribute('aria-expanded', this.results.length ? 'true' : 'false');
  }

  hide() {
    this.popup.hidden = true;
    this.input.setAttribute('aria-expanded', 'false');
    this.setActive(-1);
  }

  setActive(i) {
    this.active = i;
    this.syncActive();
  }

  syncActive() {
    for (const li of this.list.children) {
      li.setAttribute('aria-selected', Number(li.dataset.index) === this.active ? 'true' : 'false');
    }
    if (this.active >= 0 && this.list.children[this.active]) {
      this.input.setAttribute('aria-activedescendant', `search-opt-${this.active}`);
      this.list.children[this.active].scrollIntoView({ block: 'nearest' });
    } else {
      this.input.removeAttribute('aria-activedescendant');
    }
  }

  openAt(i) {
    const u = this.results[i];
    if (!u) return;
    this.hide();
    this.onOpen(u.code);
  }

  async onKey(e) {
    const n = this.results.length;
    switch (e.key) {
      case 'ArrowDown':
        e.preventDefault();
        if (this.popup.hidden) this.show();
        if (n) this.setActive(this.active < n - 1 ? this.active + 1 : 0);
        break;
      case 'ArrowUp':
        e.preventDefault();
        if (this.popup.hidden) this.show();
        if (n) this.setActive(this.active > 0 ? this.active - 1 : n - 1);
        break;
      case 'Enter': {
        e.preventDefault();
        const q = this.input.value.trim();
        if (q.length >= MIN_CHARS && (q !== this.lastQuery || this.state === 'searching')) {
          // Typed faster than the pause: search now, then open the first match.
          clearTimeout(this.timer);
          if (q !== this.lastQuery) await this.run(q);
          else if (this.pending) await this.pending;
          if (this.results.length) this.openAt(0);
          return;
        }
        if (this.active >= 0) this.openAt(this.active);
        else if (n) this.openAt(0);
        break;
      }
      case 'Escape':
        if (!this.popup.hidden) {
          e.preventDefault();
          this.hide();
        } else if (this.input.value) {
          e.preventDefault();
          this.reset();
        }
        break;
      default:
        break;
    }
  }
}
