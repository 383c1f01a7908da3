// Strings of the UI: every visible text comes from /i18n/<lang>.json.
// t(key, params) looks a string up and fills {name} placeholders; when params.count
// is a number, "<key>_one" / "<key>_other" are tried first (Intl.PluralRules).

export const LANGS = ['vi', 'en'];
const STORAGE_KEY = 'edudx.lang';
const dicts = new Map();
const listeners = new Set();
let lang = 'vi';
let dict = {};

export function currentLang() {
  return lang;
}

// Intl locale for dates and numbers.
export function locale() {
  return lang === 'vi' ? 'vi-VN' : 'en-GB';
}

export function savedLang() {
  try {
    const v = localStorage.getItem(STORAGE_KEY);
    if (LANGS.includes(v)) return v;
  } catch { /* storage blocked: fall back to the default */ }
  return 'vi';
}

async function load(l) {
  if (dicts.has(l)) return dicts.get(l);
  const res = await fetch(`/i18n/${l}.json`, { credentials: 'same-origin', headers: { Accept: 'application/json' } });
  if (!res.ok) throw new Error(`i18n ${l}: HTTP ${res.status}`);
  const d = await res.json();
  dicts.set(l, d);
  return d;
}

export async function setLang(l, { remember = true } = {}) {
  if (!LANGS.includes(l)) l = 'vi';
  dict = await load(l);
  lang = l;
  if (remember) {
    try { localStorage.setItem(STORAGE_KEY, l); } catch { /* ignore */ }
  }
  document.documentElement.lang = l;
  applyStatic(document);
  for (const fn of listeners) fn(l);
}

export function onLangChange(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

export function has(key) {
  return Object.prototype.hasOwnProperty.call(dict, key);
}

export function t(key, params) {
  let s;
  if (params && typeof params.count === 'number') {
    const cat = new Intl.PluralRules(locale()).select(params.count);
    s = dict[`${key}_${cat}`] ?? dict[`${key}_other`];
  }
  if (s === undefined) s = dict[key];
  if (s === undefined) {
    console.warn('i18n: missing key', key);
    return key;
  }
  if (params) {
    s = s.replace(/\{(\w+)\}/g, (m, name) => {
      if (!(name in params)) return m;
      const v = params[name];
      return typeof v === 'number' ? new Intl.NumberFormat(locale()).format(v) : String(v);
    });
  }
  return s;
}

// A unit type / status / role / kind in words, falling back to the raw value.
export function word(prefix, value) {
  if (value === null || value === undefined || value === '') return '';
  const k = `${prefix}.${value}`;
  return has(k) ? t(k) : String(value);
}

// Fill elements marked with data-i18n="key" (text) and
// data-i18n-attr="attr:key;attr2:key2" (attributes).
export function applyStatic(root) {
  for (const el of root.querySelectorAll('[data-i18n]')) {
    el.textContent = t(el.dataset.i18n);
  }
  for (const el of root.querySelectorAll('[data-i18n-attr]')) {
    for (const pair of el.dataset.i18nAttr.split(';')) {
      const [attr, key] = pair.split(':').map((x) => x.trim());
      if (attr && key) el.setAttribute(attr, t(key));
    }
  }
}

export function formatDate(iso) {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return String(iso);
  return new Intl.DateTimeFormat(locale(), { dateStyle: 'short', timeStyle: 'short' }).format(d);
}

// A day without the time: spelled out ("27 February 2026", "27 tháng 2, 2026")
// or, with style 'short', in figures.
export function formatDay(date, style = 'long') {
  const d = date instanceof Date ? date : new Date(date);
  if (Number.isNaN(d.getTime())) return String(date);
  return new Intl.DateTimeFormat(locale(), { dateStyle: style }).format(d);
}

// A recent moment as "5 minutes ago" ("5 phút trước"); a day or more back as a date and time.
export function formatAgo(iso, now = Date.now()) {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return String(iso);
  const secs = Math.round((now - d.getTime()) / 1000);
  if (secs < 60) return t('time.just_now');
  const rtf = new Intl.RelativeTimeFormat(locale(), { numeric: 'auto' });
  const mins = Math.round(secs / 60);
  if (mins < 60) return rtf.format(-mins, 'minute');
  const hours = Math.round(mins / 60);
  if (hours < 24) return rtf.format(-hours, 'hour');
  return formatDate(iso);
}
