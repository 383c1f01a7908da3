#!/usr/bin/env node
/*
 * selftest.mjs — sanity checks of the offline reference harness (ref.mjs),
 * driving ONLY `node ref.mjs ...` as a subprocess. TAP output; last line:
 *   # interop-self: N passed, M failed
 * Exit status 0 iff nothing failed. Run `npm ci` in this directory first.
 */
import {spawnSync} from 'node:child_process';
import {createHash} from 'node:crypto';
import {existsSync} from 'node:fs';
import {dirname, join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {TV_PUBLIC, TV_SECRET, TV_DID, TV_VM, TV_CREATED, TV_PROOF_VALUE, TV_UNSIGNED} from './vector.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const REF = join(here, 'ref.mjs');

let n = 0;
let passed = 0;
let failed = 0;
const say = s => process.stdout.write(s + '\n');
const diag = s => String(s).split('\n').forEach(l => say(`#   ${l}`));

function check(desc, cond, info) {
  n++;
  if(cond) {
    passed++;
    say(`ok ${n} - ${desc}`);
  } else {
    failed++;
    say(`not ok ${n} - ${desc}`);
    if(info !== undefined) {
      diag(typeof info === 'string' ? info : JSON.stringify(info));
    }
  }
  return !!cond;
}

function ref(args, input) {
  const r = spawnSync(process.execPath, [REF, ...args], {
    input: input === undefined ? '' :
      (typeof input === 'string' ? input : JSON.stringify(input)),
    encoding: 'utf8', cwd: here, timeout: 120000
  });
  const lines = (r.stdout || '').split('\n').filter(l => l.trim() !== '');
  const json = lines.map(l => {
    try {
      return JSON.parse(l);
    } catch{
      return null;
    }
  });
  return {code: r.status, stdout: r.stdout, stderr: r.stderr, json};
}

function finish() {
  say(`1..${n}`);
  say(`# interop-self: ${passed} passed, ${failed} failed`);
  process.exit(failed === 0 ? 0 : 1);
}

say('TAP version 13');
if(!existsSync(join(here, 'node_modules', '@digitalbazaar', 'vc'))) {
  check('node_modules present (run `npm ci` in tests/interop)', false);
  finish();
}

// ------------------------------------------------ W3C vc-di-eddsa vector --
const TV_SK = TV_SECRET, TV_PK = TV_PUBLIC;

// keygen
let r = ref(['keygen', '--secret-key-multibase', TV_SK]);
const tvKey = r.json[0] || {};
check('keygen --secret-key-multibase (test vector) -> expected public key',
  r.code === 0 && tvKey.publicKeyMultibase === TV_PK &&
  tvKey.did === TV_DID && tvKey.verificationMethod === TV_VM &&
  tvKey.secretKeyMultibase === TV_SK && /^[0-9a-f]{64}$/.test(tvKey.seedHex),
  r.stdout + r.stderr);
diag(`test-vector seed = ${tvKey.seedHex}`);
r = ref(['keygen', '--seed', tvKey.seedHex || '']);
check('keygen --seed HEX is deterministic and matches',
  r.code === 0 && JSON.stringify(r.json[0]) === JSON.stringify(tvKey),
  r.stdout + r.stderr);
const rand1 = ref(['keygen']).json[0];
const rand2 = ref(['keygen']).json[0];
check('keygen without seed gives fresh did:key z6Mk keys',
  rand1 && rand2 && rand1.did !== rand2.did &&
  /^did:key:z6Mk[1-9A-HJ-NP-Za-km-z]+$/.test(rand1.did) &&
  rand1.verificationMethod === `${rand1.did}#${rand1.publicKeyMultibase}`,
  {rand1, rand2});
const SEED = tvKey.seedHex;

// issue the vector as-is (issuer is https://vc.example/issuers/5678)
r = ref(['issue', '--seed', SEED, '--created', TV_CREATED], TV_UNSIGNED);
const tvSigned = r.json[0] || {};
const tvProof = tvSigned.proof || {};
check('issue test vector: DataIntegrityProof/eddsa-jcs-2022/assertionMethod',
  r.code === 0 && tvProof.type === 'DataIntegrityProof' &&
  tvProof.cryptosuite === 'eddsa-jcs-2022' &&
  tvProof.proofPurpose === 'assertionMethod' &&
  tvProof.verificationMethod === TV_VM && tvProof.created === TV_CREATED,
  r.stdout + r.stderr);
check('issue test vector: proofValue reproduces W3C vc-di-eddsa vector',
  tvProof.proofValue === TV_PROOF_VALUE,
  `got ${tvProof.proofValue}\nexpected ${TV_PROOF_VALUE}`);
diag(`proof["@context"] set by the cryptosuite: ${
  JSON.stringify(tvProof['@context'])}`);

r = ref(['verify'], tvSigned);
check('verify test vector with issuer != did: rejected (issuer must equal ' +
  'the verification method controller)',
  r.code === 1 && r.json[0]?.verified === false &&
  r.json[0].errors.some(e => /issuer must match/.test(e)), r.stdout);
diag(`errors: ${JSON.stringify(r.json[0]?.errors)}`);
r = ref(['verify', '--no-issuer-check'], tvSigned);
check('verify test vector --no-issuer-check: signature itself is valid',
  r.code === 0 && r.json[0]?.verified === true, r.stdout);
check('verify loads only did:key documents (no JSON-LD contexts)',
  r.json[0]?.loaded?.length > 0 &&
  r.json[0].loaded.every(u => u.startsWith('did:key:')),
  r.json[0]?.loaded);

// issuer == did
const tvDidIssuer = {...structuredClone(TV_UNSIGNED), issuer: TV_DID};
r = ref(['issue', '--seed', SEED, '--created', TV_CREATED], tvDidIssuer);
const tvDidSigned = r.json[0] || {};
r = ref(['verify'], tvDidSigned);
check('same credential with issuer = did:key verifies (exit 0)',
  r.code === 0 && r.json[0]?.verified === true &&
  r.json[0].errors.length === 0 && r.json[0].status === 'none', r.stdout);

// tampered: one character of credentialSubject changed
const tampered = structuredClone(tvDidSigned);
tampered.credentialSubject.alumniOf = 'The School of Examplez';
r = ref(['verify'], tampered);
check('tampered credentialSubject (1 char) fails: Invalid signature',
  r.code === 1 && r.json[0]?.verified === false &&
  r.json[0].errors.some(e => /Invalid signature/.test(e)), r.stdout);
r = ref(['verify', '--no-issuer-check'],
  {...structuredClone(tvSigned), credentialSubject: {
    ...tvSigned.credentialSubject, id: 'did:example:abcdefgi'}});
check('tampered test vector fails even with --no-issuer-check',
  r.code === 1 && r.json[0]?.verified === false, r.stdout);
const noProofCtx = structuredClone(tvDidSigned);
delete noProofCtx.proof['@context'];
r = ref(['verify'], noProofCtx);
check('proof["@context"] is covered by the signature (removing it fails)',
  r.code === 1 && r.json[0]?.verified === false, r.stdout);

// JSONL + exit status
r = ref(['verify'], JSON.stringify(tvDidSigned) + '\n' +
  JSON.stringify(tampered) + '\n');
check('verify JSONL: one result line per credential, exit 1 if any fails',
  r.code === 1 && r.json.length === 2 && r.json[0].verified === true &&
  r.json[1].verified === false, r.stdout);

// issuer absent -> set to did
const noIssuer = structuredClone(TV_UNSIGNED);
delete noIssuer.issuer;
r = ref(['issue', '--seed', SEED], noIssuer);
const noIssuerSigned = r.json[0] || {};
check('issue without issuer sets issuer = did:key and it verifies',
  noIssuerSigned.issuer === TV_DID &&
  ref(['verify'], noIssuerSigned).json[0]?.verified === true, r.stdout);

// dates
const future = {...structuredClone(tvDidIssuer),
  validFrom: '2999-01-01T00:00:00Z'};
const futureSigned = ref(['issue', '--seed', SEED], future).json[0];
r = ref(['verify'], futureSigned);
check('validFrom in the future: library rejects at verify time',
  r.json[0]?.verified === false &&
  r.json[0].errors.some(e => /before "validFrom"/.test(e)), r.stdout);
r = ref(['verify', '--now', '2999-06-01T00:00:00Z'], futureSigned);
check('verify --now after validFrom: accepted',
  r.json[0]?.verified === true, r.stdout);

// offline loader names unknown URLs
r = ref(['verify', '--jsonld-check'], tvDidSigned);
check('offline loader: unbundled context is an error naming the URL',
  r.json[0]?.verified === true && r.json[0].jsonld?.ok === false &&
  r.json[0].jsonld.errors.some(e =>
    e.includes('https://www.w3.org/ns/credentials/examples/v2')), r.stdout);

// -------------------------------------------------- Open Badges 3.0 ------
const OB_CTX = 'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json';
const CLR_CTX = 'https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json';
const VC2 = 'https://www.w3.org/ns/credentials/v2';
const idHash = createHash('sha256').update('abc' + '001099012345').digest('hex');
const ob = {
  '@context': [VC2, OB_CTX],
  id: 'urn:uuid:0d5c4e1a-7b44-4c55-9a51-3b1f2a9d6e01',
  type: ['VerifiableCredential', 'OpenBadgeCredential'],
  name: 'Bằng tốt nghiệp THPT',
  issuer: {id: TV_DID, type: ['Profile'], name: 'Trường THPT Chu Văn An'},
  validFrom: '2024-06-30T00:00:00Z',
  credentialSubject: {
    type: ['AchievementSubject'],
    identifier: [{
      type: 'IdentityObject',
      identityHash: `sha256$${idHash}`,
      identityType: 'nationalIdentityNumber',
      hashed: true,
      salt: 'abc'
    }],
    achievement: {
      id: 'urn:uuid:6f1d1b7e-2a1c-4b7a-9f55-8d0e4c3b2a10',
      type: ['Achievement'],
      achievementType: 'Diploma',
      name: 'Bằng tốt nghiệp THPT',
      criteria: {narrative: 'Hoàn thành chương trình giáo dục THPT.'}
    }
  },
  credentialStatus: [{
    id: 'https://example.edu/status/1#5',
    type: 'BitstringStatusListEntry',
    statusPurpose: 'revocation',
    statusListIndex: '5',
    statusListCredential: 'https://example.edu/status/1'
  }]
};
r = ref(['issue', '--seed', SEED], ob);
const obSigned = r.json[0] || {};
check('issue OpenBadgeCredential (issuer Profile object, Vietnamese text)',
  r.code === 0 && obSigned.proof?.proofValue?.startsWith('z'),
  r.stdout + r.stderr);
r = ref(['verify', '--jsonld-check'], obSigned);
let v = r.json[0] || {};
check('OpenBadgeCredential with credentialStatus verifies; status skipped',
  r.code === 0 && v.verified === true && v.status === 'skipped', r.stdout);
check('OpenBadgeCredential: no context loaded to verify (JCS, no JSON-LD)',
  v.loaded?.every(u => u.startsWith('did:key:')), v.loaded);
check('OpenBadgeCredential: JSON-LD safe check passes with bundled OB 3.0.3',
  v.jsonld?.ok === true, v.jsonld);
diag(`jsonld contexts used: ${JSON.stringify(v.jsonld?.contexts)}`);
const obTampered = structuredClone(obSigned);
obTampered.credentialSubject.achievement.name = 'Bằng tốt nghiệp THCS';
r = ref(['verify'], obTampered);
check('OpenBadgeCredential tampered (achievement name) fails',
  r.code === 1 && r.json[0]?.verified === false, r.stdout);

// undefined terms: JCS verify ignores them; the JSON-LD check lists them
const obUndef = structuredClone(ob);
obUndef.credentialSubject.hoTen = 'Nguyễn Văn A';
obUndef.credentialSubject.achievement.xepLoai = 'Giỏi';
obUndef.evidence = [{type: ['Evidence'], narrative: 'x', diemTB: 8.5}];
r = ref(['issue', '--seed', SEED], obUndef);
r = ref(['verify', '--jsonld-check'], r.json[0]);
v = r.json[0] || {};
check('undefined terms: eddsa-jcs-2022 still verifies (no safe mode)',
  v.verified === true, r.stdout);
check('undefined terms: --jsonld-check lists each one',
  v.jsonld?.ok === false &&
  ['hoTen', 'xepLoai', 'diemTB'].every(t =>
    v.jsonld.unsafe.some(u => u.endsWith(`: ${t}`))), v.jsonld);
diag(`jsonld unsafe: ${JSON.stringify(v.jsonld?.unsafe)}`);

// -------------------------------------------------------- CLR 2.0 --------
const clr = {
  '@context': [VC2, CLR_CTX, OB_CTX],
  id: 'urn:uuid:5b8c1c4a-7c35-4f9e-9d2a-0f6c7a2e9b11',
  type: ['VerifiableCredential', 'ClrCredential'],
  name: 'Học bạ THPT',
  issuer: {id: TV_DID, type: ['Profile'], name: 'Trường THPT Chu Văn An'},
  validFrom: '2024-06-30T00:00:00Z',
  credentialSubject: {
    type: ['ClrSubject'],
    identifier: ob.credentialSubject.identifier,
    verifiableCredential: [obSigned]
  },
  credentialStatus: ob.credentialStatus
};
r = ref(['issue', '--seed', SEED], clr);
const clrSigned = r.json[0] || {};
r = ref(['verify', '--jsonld-check'], clrSigned);
v = r.json[0] || {};
check('ClrCredential (embedding the signed OB credential) verifies',
  r.code === 0 && v.verified === true && v.status === 'skipped', r.stdout);
check('ClrCredential: CLR 2.0.1 context not bundled -> JSON-LD check names it',
  v.jsonld?.ok === false && v.jsonld.errors.some(e => e.includes(CLR_CTX)),
  v.jsonld);
const clrTampered = structuredClone(clrSigned);
clrTampered.credentialSubject.verifiableCredential[0].name += '.';
r = ref(['verify'], clrTampered);
check('ClrCredential with tampered embedded credential fails',
  r.code === 1 && r.json[0]?.verified === false, r.stdout);

// ------------------------------------------------------------ bench ------
r = ref(['bench', '--n', '20']);
check('bench --n 20 runs and reports issue/s and verify/s',
  r.code === 0 && r.json[0]?.['issue/s'] > 0 && r.json[0]?.['verify/s'] > 0 &&
  r.json[0].verifyFailed === 0, r.stdout + r.stderr);

finish();
