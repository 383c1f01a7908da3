// The units tree: a WAI-ARIA tree (role=tree/treeitem/group) with lazily
// loaded children, a roving tabindex and the keyboard model of the ARIA
// Authoring Practices: Up/Down move, Right opens or goes to the first child,
// Left closes or goes to the parent, Home/End, Enter opens the unit page,
// Space opens or closes a node, typing letters jumps to a matching name.

import { h, fold } from './dom.js';
import { t, word } from './i18n.js';

export class UnitTree {
  /**
   * el: the <ul role="tree">.
   * load(code) -> Promise<unit[]>: the children of a unit.
   * onOpen(code, how): the user asked to open a unit ('keyboard' | 'pointer').
   */
  constructor(el, { load, onOpen }) {
    this.el = el;
    this.load = load;
    this.onOpen = onOpen;
    this.nodes = new Map();
    this.roots = [];
    this.selectedCode = null;
    this.tabStop = null;
    this.typed = '';
    this.typedAt = 0;
    this.revealSeq = 0;
    el.addEventListener('keydown', (e) => this.onKey(e));
    el.addEventListener('click', (e) => this.onClick(e));
    el.addEventListener('focusin', (e) => {
      const node = this.nodeOf(e.target);
      if (node && e.target === node.li) this.setTabStop(node);
    });
  }

  reset() {
    this.nodes.clear();
    this.roots = [];
    this.selectedCode = null;
    this.tabStop = null;
    this.el.replaceChildren();
  }

  // Show the root units; a single root is opened at once.
  async setRoots(units) {
    this.reset();
    this.roots = this.renderLevel(this.el, units, 1, null);
    if (this.roots[0]) this.setTabStop(this.roots[0]);
    if (this.roots.length === 1 && this.roots[0].expandable) await this.expand(this.roots[0]);
  }

  renderLevel(container, units, level, parent) {
    const nodes = units.map((u, i) => this.makeNode(u, level, parent, i + 1, units.length));
    container.replaceChildren(...nodes.map((n) => n.li));
    return nodes;
  }

  makeNode(unit, level, parent, pos, size) {
    const expandable = (unit.children_count || 0) > 0;
    const twisty = h('span', { class: 'tree-twisty' + (expandable ? '' : ' tree-twisty--leaf'), 'aria-hidden': 'true' });
    const label = h('span', { class: 'tree-label' }, unit.name);
    const badge = h('span', { class: `badge badge--${unit.type}`, 'aria-hidden': 'true' }, word('badge', unit.type));
    const row = h('div', { class: 'tree-row' }, twisty, label, badge);
    const li = h('li', {
      role: 'treeitem',
      id: `tree-${unit.code}`,
      tabindex: '-1',
      'aria-level': String(level),
      'aria-setsize': String(size),
      'aria-posinset': String(pos),
      'aria-selected': unit.code === this.selectedCode ? 'true' : 'false',
      dataset: { code: unit.code },
    }, row);
    li.style.setProperty('--level', String(level));
    const node = { unit, level, parent, li, row, twisty, label, badge, expandable, group: null, children: null, loading: null, error: null };
    if (expandable) {
      li.setAttribute('aria-expanded', 'false');
      node.group = h('ul', { role: 'group', hidden: true });
      li.appendChild(node.group);
    }
    this.label(node);
    this.nodes.set(unit.code, node);
    return node;
  }

  label(node) {
    node.li.setAttribute('aria-label', `${node.unit.name}, ${word('type', node.unit.type)}`);
    node.badge.textContent = word('badge', node.unit.type);
  }

  // After a change of language.
  relabel() {
    for (const node of this.nodes.values()) this.label(node);
  }

  nodeOf(target) {
    const li = target && target.closest ? target.closest('[role="treeitem"]') : null;
    return li && this.el.contains(li) ? this.nodes.get(li.dataset.code) : null;
  }

  isExpanded(node) {
    return node.li.getAttribute('aria-expanded') === 'true';
  }

  async expand(node) {
    if (!node.expandable) return;
    if (node.children === null) {
      if (!node.loading) node.loading = this.loadChildren(node);
      const ok = await node.loading;
      if (!ok) return;
    }
    if (!node.expandable) return; // turned out to have no visible children
    node.li.setAttribute('aria-expanded', 'true');
    node.group.hidden = false;
  }

  collapse(node) {
    if (!node.expandable || !this.isExpanded(node)) return;
    node.li.setAttribute('aria-expanded', 'false');
    node.group.hidden = true;
    // Keep the tab stop on something visible.
    if (this.tabStop && node.group.contains(this.tabStop.li)) this.setTabStop(node);
  }

  async toggle(node) {
    if (this.isExpanded(node)) this.collapse(node);
    else await this.expand(node);
  }

  async loadChildren(node) {
    node.li.setAttribute('aria-busy', 'true');
    if (node.error) {
      node.error.remove();
      node.error = null;
    }
    try {
      const units = await this.load(node.unit.code);
      node.children = this.renderLevel(node.group, units, node.level + 1, node);
      if (units.length === 0) {
        node.expandable = false;
        node.li.removeAttribute('aria-expanded');
        node.twisty.classList.add('tree-twisty--leaf');
      }
      return true;
    } catch (e) {
      if (e && e.status === 401) return false; // the app goes back to the sign-in page
      node.error = h('p', { class: 'tree-error', role: 'alert' }, t('tree.error'));
      node.error.style.setProperty('--level', String(node.level));
      node.li.insertBefore(node.error, node.group);
      return false;
    } finally {
      node.li.removeAttribute('aria-busy');
      node.loading = null;
    }
  }

  visible() {
    const out = [];
    const walk = (nodes) => {
      for (const n of nodes) {
        out.push(n);
        if (n.children && this.isExpanded(n)) walk(n.children);
      }
    };
    walk(this.roots);
    return out;
  }

  setTabStop(node) {
    if (this.tabStop === node) return;
    if (this.tabStop) this.tabStop.li.tabIndex = -1;
    this.tabStop = node;
    if (node) node.li.tabIndex = 0;
  }

  focus(node) {
    if (!node) return;
    this.setTabStop(node);
    node.li.focus();
  }

  // Mark the unit shown in the main area (or none).
  select(code) {
    const prev = this.selectedCode && this.nodes.get(this.selectedCode);
    if (prev) prev.li.setAttribute('aria-selected', 'false');
    this.selectedCode = code;
    const node = code && this.nodes.get(code);
    if (node) {
      node.li.setAttribute('aria-selected', 'true');
      if (!this.el.contains(document.activeElement) && this.isVisible(node)) this.setTabStop(node);
    }
  }

  isVisible(node) {
    for (let p = node.parent; p; p = p.parent) if (!this.isExpanded(p)) return false;
    return true;
  }

  // Open the branches down to the last code of `path` (root first) and select it.
  async reveal(path) {
    const seq = ++this.revealSeq;
    const start = path.findIndex((c) => this.nodes.has(c));
    if (start < 0) return;
    for (let i = start; i < path.length - 1; i++) {
      const node = this.nodes.get(path[i]);
      if (!node) return;
      await this.expand(node);
      if (seq !== this.revealSeq) return;
    }
    const target = this.nodes.get(path[path.length - 1]);
    this.select(path[path.length - 1]);
    if (target && this.isVisible(target) && target.row.offsetParent) {
      target.row.scrollIntoView({ block: 'nearest' });
    }
  }

  onClick(e) {
    const node = this.nodeOf(e.target);
    if (!node) return;
    this.focus(node);
    if (e.target.closest('.tree-twisty') && node.expandable) {
      this.toggle(node);
      return;
    }
    if (node.expandable && !this.isExpanded(node)) this.expand(node);
    this.onOpen(node.unit.code, 'pointer');
  }

  onKey(e) {
    const node = this.nodeOf(e.target);
    if (!node || e.altKey || e.ctrlKey || e.metaKey) return;
    const vis = this.visible();
    const i = vis.indexOf(node);
    let handled = true;
    switch (e.key) {
      case 'ArrowDown':
        if (i < vis.length - 1) this.focus(vis[i + 1]);
        break;
      case 'ArrowUp':
        if (i > 0) this.focus(vis[i - 1]);
        break;
      case 'ArrowRight':
        if (node.expandable) {
          if (!this.isExpanded(node)) this.expand(node);
          else if (node.children && node.children.length) this.focus(node.children[0]);
        }
        break;
      case 'ArrowLeft':
        if (node.expandable && this.isExpanded(node)) this.collapse(node);
        else if (node.parent) this.focus(node.parent);
        break;
      case 'Home':
        this.focus(vis[0]);
        break;
      case 'End':
        this.focus(vis[vis.length - 1]);
        break;
      case 'Enter':
        this.onOpen(node.unit.code, 'keyboard');
        break;
      case ' ':
        if (node.expandable) this.toggle(node);
        break;
      case '*':
        for (const sib of node.parent ? node.parent.children : this.roots) this.expand(sib);
        break;
      default:
        handled = this.typeAhead(e.key, vis, i);
    }
    if (handled) {
      e.preventDefault();
      e.stopPropagation();
    }
  }

  typeAhead(key, vis, i) {
    if (key.length !== 1 || !/\S/.test(key)) return false;
    const now = Date.now();
    this.typed = now - this.typedAt > 700 ? key : this.typed + key;
    this.typedAt = now;
    const want = fold(this.typed);
    const n = vis.length;
    // A new search starts after the current item; a growing one may stay on it.
    const from = this.typed.length === 1 ? i + 1 : i;
    for (let k = 0; k < n; k++) {
      const cand = vis[(from + k) % n];
      if (fold(cand.unit.name).startsWith(want) || fold(cand.unit.code).startsWith(want)) {
        this.focus(cand);
        break;
      }
    }
    return true;
  }
}
