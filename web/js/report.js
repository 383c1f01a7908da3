// A verification report (POST /api/v1/verify) in words: the verdict, what the
// credential says and each check, in the language of the page. Shared by the
// public /verify page and the credential page of the signed-in app.
// Also the holder check: the salted hash of an ID number, computed in the browser.

import { h } from './dom.js';
import { t, currentLang, formatDay, word } from './i18n.js';

const CHECK_ORDER = ['syntax', 'schema', 'proof', 'issuer_key', 'trust', 'status', 'validity'];

/**
 * valid      no check failed and the issuer is accredited
 * untrusted  no check failed, but the issuer is not in the registry (or not for this type or date)
 * revoked    the status check failed: revoked
 * suspended  the status check failed: suspended
 * invalid    any other failure
 */
export function verdictOf(report) {
  const checks = report.checks || [];
  const status = checks.find((c) => c.check === 'status' && c.status === 'fail');
  const others = checks.filter((c) => c.status === 'fail' && c.check !== 'status');
  if (status && !others.length && (status.code === 'revoked' || status.code === 'suspended')) return status.code;
  if (!report.verified) return 'invalid';
  return report.trusted ? 'valid' : 'untrusted';
}

// The shape of the icon beside a verdict or a check; never the only sign (words go with it).
const ICON = { valid: 'pass', untrusted: 'warn', revoked: 'fail', suspended: 'fail', invalid: 'fail', notfound: 'fail' };

// The banner: icon, verdict in words and one sentence. `params` fills the sentence (notfound: {id}).
export function verdictBanner(verdict, params = {}, headingLevel = 'h2') {
  return h('div', { class: `verdict verdict--${ICON[verdict]}`, dataset: { verdict } },
    h('span', { class: `verdict__icon icon icon--${ICON[verdict]}`, 'aria-hidden': 'true' }),
    h('div', { class: 'verdict__body' },
      h(headingLevel, { class: 'verdict__title', id: 'verdict-title', tabindex: '-1' }, t(`verdict.${verdict}`)),
      h('p', { class: 'verdict__text' }, t(`verdict.${verdict}_text`, params))));
}

function message(c) {
  const m = c.message || {};
  return m[currentLang()] || m.vi || m.en || c.code || '';
}

export function checkList(report, idPrefix = 'check') {
  const rank = (c) => {
    const i = CHECK_ORDER.indexOf(c.check);
    return i < 0 ? CHECK_ORDER.length : i;
  };
  const checks = [...(report.checks || [])].sort((a, b) => rank(a) - rank(b));
  return h('ul', { class: 'checks' }, checks.map((c) => {
    const nameId = `${idPrefix}-${c.check}`;
    return h('li', { class: `check check--${c.status}`, dataset: { check: c.check, status: c.status }, 'aria-labelledby': nameId },
      h('span', { class: `check__icon icon icon--${c.status}`, 'aria-hidden': 'true' }),
      h('div', { class: 'check__body' },
        h('p', { class: 'check__head' },
          h('span', { class: 'check__name', id: nameId }, word('check', c.check)),
          h('span', { class: `check__state check__state--${c.status}` }, t(`check.state.${c.status}`))),
        h('p', { class: 'check__text' }, message(c))));
  }));
}

// What the credential says (from the report's summary).
export function credentialFacts(report) {
  const c = report.credential || {};
  const issuer = c.issuer || {};
  const rows = [
    ['verify.f.subject', c.subject],
    ['verify.f.name', c.name],
    ['verify.f.type', c.type ? word('ctype', c.type) : null],
    ['verify.f.issuer', issuer.name ? [issuer.name, issuer.unit ? ' ' : null, issuer.unit ? h('span', { class: 'code' }, issuer.unit) : null] : null],
    ['verify.f.valid_from', c.validFrom ? h('time', { datetime: c.validFrom }, formatDay(c.validFrom)) : null],
    ['verify.f.id', c.id ? h('span', { class: 'code code--wrap' }, String(c.id).replace(/^urn:uuid:/, '')) : null],
  ].filter(([, v]) => v);
  if (!rows.length) return null;
  return h('dl', { class: 'facts verify-facts' },
    rows.map(([k, v]) => h('div', { class: k === 'verify.f.issuer' || k === 'verify.f.id' ? 'facts__wide' : null }, h('dt', null, t(k)), h('dd', null, v))));
}

/* ---- the holder's ID number ----------------------------------------------------------------- */

// The hashed national ID of the credential's subject: { hash: hex, salt }, or null.
export function holderIdentity(doc) {
  let found = null;
  const walk = (v, depth) => {
    if (found || depth > 8 || !v || typeof v !== 'object') return;
    if (Array.isArray(v)) {
      for (const x of v) walk(x, depth + 1);
      return;
    }
    const types = [].concat(v.type || []);
    if (types.includes('IdentityObject') && v.identityType === 'nationalIdentityNumber' && v.hashed === true &&
        typeof v.identityHash === 'string' && /^sha256\$[0-9a-f]{64}$/i.test(v.identityHash)) {
      found = { hash: v.identityHash.slice(7).toLowerCase(), salt: typeof v.salt === 'string' ? v.salt : '' };
      return;
    }
    for (const k of Object.keys(v)) if (k !== 'proof') walk(v[k], depth + 1);
  };
  walk(doc && (doc.credentialSubject || doc), 0);
  return found;
}

// Does this 12-digit number belong to the identity? The number stays in the browser.
export async function holderMatches(identity, idNumber) {
  const hex = await sha256Hex(idNumber + identity.salt);
  return hex === identity.hash;
}

export async function sha256Hex(text) {
  const bytes = new TextEncoder().encode(text);
  let digest;
  if (globalThis.crypto && crypto.subtle) {
    digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  } else {
    digest = sha256(bytes); // plain http to a named host: no Web Crypto
  }
  return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
}

// FIPS 180-4 SHA-256, for pages served without a secure context.
const K = new Uint32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);

export function sha256(msg) {
  const len = msg.length;
  const padded = new Uint8Array(((len + 9 + 63) >> 6) << 6);
  padded.set(msg);
  padded[len] = 0x80;
  const view = new DataView(padded.buffer);
  view.setUint32(padded.length - 8, Math.floor(len / 0x20000000));
  view.setUint32(padded.length - 4, (len << 3) >>> 0);
  const H = new Uint32Array([0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19]);
  const w = new Uint32Array(64);
  const rotr = (x, n) => (x >>> n) | (x << (32 - n));
  for (let off = 0; off < padded.length; off += 64) {
    for (let i = 0; i < 16; i++) w[i] = view.getUint32(off + i * 4);
    for (let i = 16; i < 64; i++) {
      const s0 = rotr(w[i - 15], 7) ^ rotr(w[i - 15], 18) ^ (w[i - 15] >>> 3);
      const s1 = rotr(w[i - 2], 17) ^ rotr(w[i - 2], 19) ^ (w[i - 2] >>> 10);
      w[i] = (w[i - 16] + s0 + w[i - 7] + s1) >>> 0;
    }
    let [a, b, c, d, e, f, g, hh] = H;
    for (let i = 0; i < 64; i++) {
      const S1 = rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25);
      const ch = (e & f) ^ (~e & g);
      const t1 = (hh + S1 + ch + K[i] + w[i]) >>> 0;
      const S0 = rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22);
      const maj = (a & b) ^ (a & c) ^ (b & c);
      const t2 = (S0 + maj) >>> 0;
      hh = g; g = f; f = e; e = (d + t1) >>> 0;
      d = c; c = b; b = a; a = (t1 + t2) >>> 0;
    }
    H[0] += a; H[1] += b; H[2] += c; H[3] += d; H[4] += e; H[5] += f; H[6] += g; H[7] += hh;
  }
  const out = new Uint8Array(32);
  const ov = new DataView(out.buffer);
  for (let i = 0; i < 8; i++) ov.setUint32(i * 4, H[i]);
  return out;
}
