// The public page /verify: anyone checks a digital credential, without signing in.
//   - paste its JSON, open or drop its .json file, or
//   - open /verify?id=UUID (the QR code on the printout): the credential is fetched first.
// The server's report is shown as a verdict (announced), what the credential says and
// each check; the holder's ID number can be compared with the credential in the browser.

import { api } from './api.js';
import { $, h } from './dom.js';
import { applyStatic, onLangChange, savedLang, setLang, t } from './i18n.js';
import { checkList, credentialFacts, holderIdentity, holderMatches, verdictBanner, verdictOf } from './report.js';
import { capture, dropZone, restore } from './ui.js';

const MAX_BYTES = 1024 * 1024;

const state = {
  busy: null,        // null | 'loading' (fetching by id) | 'checking'
  report: null,      // the server's report
  verdict: null,     // see verdictOf(), or 'notfound'
  missingId: null,   // the id that was not found
  doc: null,         // the credential checked (for the holder's ID number)
  failure: null,     // { key } or { text }: the request failed
  inputError: null,  // a key: the pasted text cannot be checked
  holder: null,      // null | 'match' | 'nomatch' | 'format'
  fileName: null,
};

/* ---- drawing ------------------------------------------------------------------------- */

function syncLangButtons() {
  const lang = document.documentElement.lang;
  for (const b of document.querySelectorAll('.lang-switch__btn')) {
    b.setAttribute('aria-pressed', b.dataset.lang === lang ? 'true' : 'false');
  }
}

function drawLive() {
  const live = $('#verify-live');
  let content = null;
  if (state.busy) {
    content = h('p', { class: 'verify-busy' }, t(state.busy === 'loading' ? 'verify.loading_id' : 'verify.checking'));
  } else if (state.failure) {
    content = h('p', { class: 'alert' }, state.failure.text || t(state.failure.key, state.failure.params));
  } else if (state.verdict) {
    content = verdictBanner(state.verdict, { id: state.missingId || '' });
  }
  live.replaceChildren(...(content ? [content] : []));
}

function drawResult() {
  const el = $('#verify-result');
  const saved = capture(el);
  const r = state.report;
  if (!r && state.verdict !== 'notfound') {
    el.hidden = true;
    el.replaceChildren();
    return;
  }
  const parts = [];
  const facts = r ? credentialFacts(r) : null;
  if (facts) {
    parts.push(h('section', { class: 'card', 'aria-labelledby': 'verify-details-title' },
      h('div', { class: 'card__head' }, h('h2', { class: 'card__title', id: 'verify-details-title' }, t('verify.details'))),
      facts));
  }
  if (r && r.checks && r.checks.length) {
    parts.push(h('section', { class: 'card', 'aria-labelledby': 'verify-checks-title' },
      h('div', { class: 'card__head' }, h('h2', { class: 'card__title', id: 'verify-checks-title' }, t('verify.checks'))),
      checkList(r)));
  }
  const identity = holderIdentity(state.doc);
  if (r && identity) parts.push(drawHolder());
  parts.push(h('p', { class: 'verify-again' },
    h('button', { type: 'button', class: 'button button--secondary', id: 'verify-again', onclick: () => reset() }, t('verify.again'))));
  el.replaceChildren(...parts);
  el.hidden = false;
  restore(el, saved);
  fillHolder();
}

function drawHolder() {
  return h('section', { class: 'card holder', 'aria-labelledby': 'holder-title' },
    h('div', { class: 'card__head' }, h('h2', { class: 'card__title', id: 'holder-title' }, t('holder.title'))),
    h('p', { class: 'card__intro', id: 'holder-intro' }, t('holder.intro')),
    h('form', { class: 'form holder__form', novalidate: true, onsubmit: (e) => onHolder(e) },
      h('div', { class: 'field' },
        h('label', { for: 'holder-id' }, t('holder.label')),
        h('div', { class: 'holder__row' },
          h('input', {
            id: 'holder-id', type: 'text', inputmode: 'numeric', autocomplete: 'off', spellcheck: 'false',
            maxlength: 20, class: 'holder__input', 'aria-describedby': 'holder-intro holder-id-error',
            oninput: () => {
              if (!state.holder) return;
              state.holder = null;
              fillHolder();
            },
          }),
          h('button', { type: 'submit', class: 'button button--primary', id: 'holder-submit' }, t('holder.submit'))),
        h('p', { class: 'field__error', id: 'holder-id-error', hidden: true }))),
    // Kept in place (not redrawn) so that a new outcome is announced.
    h('div', { role: 'status', 'aria-live': 'polite', id: 'holder-status' }));
}

// Show the outcome of the comparison (or the format error) in the drawn section.
function fillHolder() {
  const status = $('#holder-status');
  if (!status) return;
  const res = state.holder;
  const err = $('#holder-id-error');
  err.hidden = res !== 'format';
  err.textContent = res === 'format' ? t('holder.error.format') : '';
  $('#holder-id').setAttribute('aria-invalid', res === 'format' ? 'true' : 'false');
  if (res !== 'match' && res !== 'nomatch') {
    status.replaceChildren();
    return;
  }
  const ok = res === 'match';
  status.replaceChildren(h('p', { class: `holder-result holder-result--${ok ? 'pass' : 'fail'}` },
    h('span', { class: `icon icon--${ok ? 'pass' : 'fail'}`, 'aria-hidden': 'true' }),
    h('span', null, t(`holder.${res}`),
      ok && state.report && !state.report.verified ? ` ${t('holder.unverified')}` : null)));
}

function drawInputError() {
  const err = $('#verify-text-error');
  const input = $('#verify-text');
  err.hidden = !state.inputError;
  err.textContent = state.inputError ? t(state.inputError) : '';
  input.setAttribute('aria-invalid', state.inputError ? 'true' : 'false');
}

function drawDropZone() {
  const zone = dropZone({
    id: 'verify-file',
    accept: '.json,.jsonld,application/json,application/ld+json,application/vc+ld+json',
    text: t('verify.drop'),
    button: t('verify.choose'),
    fileName: state.fileName,
    onFile: (file) => onFile(file),
  });
  $('#verify-drop-slot').replaceChildren(zone);
}

function drawAll() {
  document.title = `${t('verify.title')} · ${t('app.name')}`;
  syncLangButtons();
  drawDropZone();
  drawInputError();
  drawLive();
  drawResult();
}

/* ---- actions -------------------------------------------------------------------------- */

function showOutcome() {
  drawLive();
  drawResult();
  const live = $('#verify-live');
  if (live.scrollIntoView) live.scrollIntoView({ block: 'nearest' });
}

function clearResult() {
  Object.assign(state, { report: null, verdict: null, missingId: null, doc: null, failure: null, holder: null });
}

function reset() {
  clearResult();
  state.inputError = null;
  state.fileName = null;
  $('#verify-text').value = '';
  const url = new URL(location.href);
  if (url.searchParams.has('id')) {
    url.searchParams.delete('id');
    history.replaceState(null, '', url.pathname + url.search + url.hash);
  }
  drawAll();
  $('#verify-input-title').focus();
}

// Check the text of a credential (pasted or read from a file).
async function checkText(text) {
  clearResult();
  state.inputError = null;
  const s = text.trim();
  let parsed;
  if (!s) state.inputError = 'verify.error.empty';
  else {
    try {
      parsed = JSON.parse(s);
    } catch {
      state.inputError = 'verify.error.json';
    }
  }
  if (!state.inputError && (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))) {
    state.inputError = 'verify.error.not_object';
  }
  drawInputError();
  if (state.inputError) {
    drawLive();
    drawResult();
    $('#verify-text').focus();
    return;
  }
  const inner = parsed.verifiableCredential;
  state.doc = inner && typeof inner === 'object' && !Array.isArray(inner) ? inner : parsed;
  await runVerify(s);
}

async function runVerify(text) {
  state.busy = 'checking';
  drawLive();
  $('#verify-submit').setAttribute('aria-disabled', 'true');
  try {
    state.report = await api.verify(text);
    state.verdict = verdictOf(state.report);
  } catch (e) {
    state.failure = failureOf(e);
  } finally {
    state.busy = null;
    $('#verify-submit').removeAttribute('aria-disabled');
  }
  showOutcome();
}

function failureOf(e) {
  if (e.status === 0) return { key: 'error.network' };
  if (e.status >= 500) return { key: 'error.server', params: { status: e.status } };
  // 4xx: the server could not read it (I-JSON rules, size); its own words say why.
  return e.message ? { text: `${t('verify.error.json')} (${e.message})` } : { key: 'verify.error.json' };
}

async function onFile(file) {
  state.fileName = file.name;
  if (file.size > MAX_BYTES) {
    clearResult();
    state.inputError = 'verify.error.too_big';
    drawInputError();
    drawLive();
    drawResult();
    return;
  }
  let text;
  try {
    text = await file.text();
  } catch {
    clearResult();
    state.inputError = 'verify.error.file';
    drawInputError();
    return;
  }
  $('#verify-text').value = text;
  await checkText(text);
}

async function checkById(id) {
  clearResult();
  state.busy = 'loading';
  drawLive();
  let doc;
  try {
    doc = await api.publicCredential(id);
  } catch (e) {
    state.busy = null;
    if (e.status === 404) {
      state.verdict = 'notfound';
      state.missingId = id;
    } else {
      state.failure = failureOf(e);
    }
    showOutcome();
    return;
  }
  state.doc = doc;
  await runVerify(JSON.stringify(doc));
}

async function onHolder(e) {
  e.preventDefault();
  const input = $('#holder-id');
  const value = input.value.replace(/[\s.-]/g, '');
  const identity = holderIdentity(state.doc);
  if (!identity) return;
  if (!/^\d{12}$/.test(value)) {
    state.holder = 'format';
    fillHolder();
    input.focus();
    return;
  }
  state.holder = (await holderMatches(identity, value)) ? 'match' : 'nomatch';
  fillHolder();
}

/* ---- start ------------------------------------------------------------------------------ */

async function boot() {
  try {
    await setLang(savedLang(), { remember: false });
  } catch {
    document.documentElement.classList.remove('is-booting');
    $('#verify-live').textContent = 'edudx: không tải được giao diện · could not load the interface';
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
  $('#verify-form').addEventListener('submit', (e) => {
    e.preventDefault();
    state.fileName = null;
    drawDropZone();
    checkText($('#verify-text').value);
  });
  $('#verify-text').addEventListener('input', () => {
    if (!state.inputError) return;
    state.inputError = null;
    drawInputError();
  });
  drawAll();
  const id = new URLSearchParams(location.search).get('id');
  if (id) await checkById(id.trim());
}

boot();
