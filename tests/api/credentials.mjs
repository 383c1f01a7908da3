// The credentials API suite: batch issuance, the register, revocation and status lists,
// DID documents and key rotation, the trust registry, verification (our API and the W3C
// VC API), bad input. Runs on SQLite, and on PostgreSQL when EDX_TEST_PG is set.
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { test, assert, run } from '../lib/harness.mjs';
import { seededStore, Server, Client, cli, dbExec, snapshot, rawRequest } from '../lib/server.mjs';

const SUITE = process.env.EDX_SUITE_NAME || 'credentials';
const store = seededStore();
const srv = await new Server(store, ['--public-url', 'http://127.0.0.1:8080']).start();
const admin = await srv.login('admin');
const hanoi = await srv.login('hanoi.admin');
const hcm = await srv.login('hcm.admin');
const teacher = await srv.login('teacher');
const anon = new Client(srv.base);
const tmp = mkdtempSync(path.join(tmpdir(), 'edx-cred-'));

const HEADER = 'external_id,id_number,full_name,birth_date,graduation_year,classification,decision_number,decision_date';
function row(i, name = `Nguyễn Văn Học ${String.fromCharCode(65 + (i % 26))}`) {
  return `HS-${String(i).padStart(5, '0')},001208${String(100000 + i)},${name},2008-05-12,2026,Khá,123/QĐ-SGDĐT,2026-06-30`;
}
const csv = (rows) => [HEADER, ...rows].join('\r\n') + '\r\n';
const batch = (c, body, query = 'issuer=THPT-CVA&type=diploma') =>
  c.post(`/api/v1/credentials/batches?${query}`, body, { 'content-type': 'text/csv' });

// Everything a refused request must leave alone, credentials included.
const state = () => snapshot(store) + '|' + dbExec(store,
  "SELECT (SELECT COUNT(*) FROM credentials) || ':' || (SELECT COUNT(*) FROM cred_status_lists) || ':' || " +
  "(SELECT COALESCE(SUM(version), 0) FROM cred_status_lists) || ':' || " +
  "(SELECT COUNT(*) FROM credentials WHERE status <> 'active')");
const unchanged = async (fn) => {
  const before = state();
  const r = await fn();
  assert.equal(state(), before, 'the store changed');
  return r;
};

async function firstCredential(c = admin, q = '') {
  const l = await c.get('/api/v1/credentials?issuer=THPT-CVA' + q);
  assert.equal(l.status, 200, l.text);
  const g = await c.get('/api/v1/credentials/' + l.body.items[0].id);
  assert.equal(g.status, 200, g.text);
  return g.body;
}
const verify = (doc) => anon.post('/api/v1/verify', doc);
const check = (rep, id) => rep.checks.find((c) => c.check === id);

// Decode a Bitstring Status List credential's bits (index 0 = MSB of byte 0).
function bits(listDoc) {
  const enc = listDoc.credentialSubject.encodedList;
  assert.equal(enc[0], 'u');
  return gunzipSync(Buffer.from(enc.slice(1), 'base64url'));
}
const bitAt = (buf, i) => (buf[i >> 3] >> (7 - (i & 7))) & 1;

// ---- issuance ---------------------------------------------------------------------------------

test('a unit admin issues a cohort from CSV; every credential verifies', async () => {
  const r = await batch(hanoi, csv([1, 2, 3, 4, 5].map((i) => row(i))));
  assert.equal(r.status, 201, r.text);
  assert.equal(r.body.records, 5);
  assert.equal(r.body.issued, 5);
  assert.equal(r.body.existing, 0);
  const c = await firstCredential(hanoi);
  assert.equal(c.issuer, 'THPT-CVA');
  assert.equal(c.status, 'active');
  const v = await verify(c.document);
  assert.equal(v.status, 200);
  assert.equal(v.body.verified, true, JSON.stringify(v.body.checks));
  assert.equal(check(v.body, 'proof').status, 'pass');
  assert.equal(check(v.body, 'status').status, 'pass');
  assert.equal(v.body.credential.subject, c.subjectName);
});

test('a rerun of the same file issues nothing twice and writes no audit record', async () => {
  const before = state();
  const r = await batch(hanoi, csv([1, 2, 3, 4, 5].map((i) => row(i))));
  assert.equal(r.status, 201, r.text);
  assert.equal(r.body.issued, 0);
  assert.equal(r.body.existing, 5);
  assert.equal(state(), before);
  const r2 = await batch(hanoi, csv([4, 5, 6].map((i) => row(i))));
  assert.equal(r2.body.issued, 1);
  assert.equal(r2.body.existing, 2);
});

test('credentials hold the ID number only as a salted hash, and text in NFC', async () => {
  const nfd = 'Nguyễn Thị Ánh'.normalize('NFD');
  const r = await batch(hanoi, csv([row(50, nfd)]));
  assert.equal(r.status, 201, r.text);
  const l = await hanoi.get('/api/v1/credentials?issuer=THPT-CVA&q=HS-00050');
  const c = (await hanoi.get('/api/v1/credentials/' + l.body.items[0].id)).body;
  const text = JSON.stringify(c.document);
  assert.ok(!text.includes('001208100050'), 'the ID number is in the credential');
  assert.ok(text.includes('Nguyễn Thị Ánh'.normalize('NFC')));
  assert.ok(!text.includes(nfd));
  const ids = c.document.credentialSubject.identifier;
  const h = ids.find((x) => x.identityType === 'nationalIdentityNumber');
  assert.equal(h.hashed, true);
  const { createHash } = await import('node:crypto');
  assert.equal(h.identityHash, 'sha256$' + createHash('sha256').update('001208100050' + h.salt).digest('hex'));
  // The stored document is compressed (its text is checked above through the API); the row's
  // other columns and the audit log must not hold the number either.
  const stored = dbExec(store, "SELECT COUNT(*) FROM credentials WHERE subject_name LIKE '%001208100050%'" +
    " OR search_key LIKE '%001208100050%' OR COALESCE(nid_hash, '') LIKE '%001208100050%'" +
    " OR external_id LIKE '%001208100050%'");
  assert.equal(stored, '0');
  const audited = dbExec(store, "SELECT COUNT(*) FROM audit_log WHERE detail LIKE '%001208100050%'" +
    " OR target LIKE '%001208100050%'");
  assert.equal(audited, '0');
});

test('one bad row and nothing is issued; the report names each row, column and reason', async () => {
  const rows = [row(100), row(101), row(100), // repeated external id
    row(102).replace('001208100102', '00120810010'), // 11 digits
    row(103, 'Nguyễn Vаn Аn'), // Cyrillic а look-alikes
    row(104).replace('2008-05-12', '2008-02-30'),
    row(105).replace('Khá', 'Tốt')];
  const r = await unchanged(() => batch(hanoi, csv(rows)));
  assert.equal(r.status, 400, r.text);
  assert.equal(r.body.error.code, 'invalid_field');
  assert.equal(r.body.issued, 0);
  assert.equal(r.body.invalid, 5);
  const by = (row, col) => r.body.errors.find((e) => e.row === row && e.column === col);
  assert.match(by(4, 'external_id').reason, /repeats row 2/);
  assert.ok(by(5, 'id_number'), JSON.stringify(r.body.errors));
  assert.ok(!JSON.stringify(r.body).includes('00120810010'), 'the ID number is echoed');
  assert.match(by(6, 'full_name').reason, /another script/);
  assert.match(by(7, 'birth_date').reason, /date/);
  assert.match(by(8, 'classification').reason, /one of/);
});

test('skipInvalid issues the good rows and reports the others; dryRun issues nothing', async () => {
  const rows = [row(200), row(201).replace('001208100201', 'x')];
  const d = await unchanged(() => batch(hanoi, csv(rows), 'issuer=THPT-CVA&type=diploma&dryRun=1&skipInvalid=1'));
  assert.equal(d.status, 200, d.text);
  assert.equal(d.body.dryRun, true);
  const r = await batch(hanoi, csv(rows), 'issuer=THPT-CVA&type=diploma&skipInvalid=1');
  assert.equal(r.status, 201, r.text);
  assert.equal(r.body.issued, 1);
  assert.equal(r.body.invalid, 1);
  assert.equal(r.body.errors[0].row, 3);
});

test('records can come as JSON; unknown columns and types are refused', async () => {
  const rec = {
    external_id: 'SV-1', id_number: '001203000001', full_name: 'Lê Minh Châu', birth_date: '2003-01-01',
    graduation_year: '2025', level: 'bachelor', field: 'Công nghệ thông tin', field_code: '7480201',
    classification: 'Giỏi', decision_number: '45/QĐ-ĐHBK', decision_date: '2025-07-15',
  };
  const ok = await admin.post('/api/v1/credentials/batches', { issuer: 'THPT-CVA', type: 'degree', records: [rec] });
  assert.equal(ok.status, 201, ok.text);
  const bad = await unchanged(() => admin.post('/api/v1/credentials/batches',
    { issuer: 'THPT-CVA', type: 'degree', records: [{ ...rec, external_id: 'SV-2', fullname: 'x' }] }));
  assert.equal(bad.status, 400);
  assert.match(bad.body.errors[0].reason, /unknown column "fullname"/);
  const t = await unchanged(() => admin.post('/api/v1/credentials/batches', { issuer: 'THPT-CVA', type: 'passport', records: [rec] }));
  assert.equal(t.status, 400);
  assert.equal(t.body.error.field, 'type');
});

test('transcripts, skills and award certificates are issued in their shapes', async () => {
  const tr = 'external_id,id_number,full_name,birth_date,school_year,grade,conduct,academic,Toán,Ngữ văn,Giáo dục thể chất\n' +
    'HB-1,001208000777,Phạm Thu Hà,2008-03-03,2025-2026,12,Tốt,Khá,8.5,"7,25",Đ\n';
  let r = await batch(admin, tr, 'issuer=THPT-CVA&type=transcript');
  assert.equal(r.status, 201, r.text);
  const sk = 'external_id,id_number,full_name,birth_date,framework,assessed_on,Khai thác dữ liệu và thông tin\n' +
    'NLS-1,001185012345,Đỗ Văn Giáo,1985-02-02,Khung năng lực số,2026-03-01,4\n';
  r = await batch(admin, sk, 'issuer=THPT-CVA&type=skills');
  assert.equal(r.status, 201, r.text);
  const aw = 'external_id,full_name,reward,reason,decision_number,decision_date\n' +
    'KT-1,Trường THPT Chu Văn An,Bằng khen của Bộ trưởng,Thành tích xuất sắc trong chuyển đổi số,99/QĐ-BGDĐT,2027-06-01\n';
  r = await batch(admin, aw, 'issuer=THPT-CVA&type=award');
  assert.equal(r.status, 201, r.text);
  for (const type of ['transcript', 'skills', 'award']) {
    const l = await admin.get(`/api/v1/credentials?issuer=THPT-CVA&type=${type}`);
    const c = (await admin.get('/api/v1/credentials/' + l.body.items[0].id)).body.document;
    if (type === 'transcript') {
      assert.deepEqual(c.type, ['VerifiableCredential', 'ClrCredential']);
      assert.ok(c.credentialSubject.verifiableCredential.length >= 3);
    } else {
      assert.deepEqual(c.type, ['VerifiableCredential', 'OpenBadgeCredential']);
    }
    const v = await verify(c);
    assert.equal(v.body.verified, true, JSON.stringify(v.body.checks));
    assert.equal(v.body.credential.type, type);
  }
  const bad = 'external_id,id_number,full_name,birth_date,school_year,grade,conduct,academic,Toán\n' +
    'HB-2,001208000778,Phạm Thu Hà,2008-03-03,2025-2026,13,Tốt,Khá,11\n';
  r = await unchanged(() => batch(admin, bad, 'issuer=THPT-CVA&type=transcript'));
  assert.equal(r.status, 400);
  assert.deepEqual(r.body.errors.map((e) => e.column).sort(), ['Toán', 'grade']);
});

test('issuing is limited to admins of the issuer subtree', async () => {
  let r = await unchanged(() => batch(hcm, csv([row(300)])));
  assert.equal(r.status, 403);
  r = await unchanged(() => batch(teacher, csv([row(300)])));
  assert.equal(r.status, 403);
  r = await unchanged(() => batch(anon, csv([row(300)])));
  assert.equal(r.status, 401);
  const mine = await hanoi.get('/api/v1/credentials?issuer=THPT-CVA');
  const id = mine.body.items[0].id;
  r = await hcm.get('/api/v1/credentials/' + id);
  assert.equal(r.status, 404);
  r = await unchanged(() => hcm.post(`/api/v1/credentials/${id}/revoke`, { reason: 'không phải của tôi' }));
  assert.equal(r.status, 404);
  r = await hcm.get('/api/v1/credentials?issuer=THPT-CVA');
  assert.equal(r.status, 403);
});

test('wrong content types, empty files and malformed CSV get clear errors', async () => {
  let r = await unchanged(() => hanoi.post('/api/v1/credentials/batches?issuer=THPT-CVA&type=diploma', 'a,b', { 'content-type': 'text/plain' }));
  assert.equal(r.status, 415);
  r = await unchanged(() => batch(hanoi, ''));
  assert.equal(r.status, 400);
  r = await unchanged(() => batch(hanoi, HEADER + '\n"unterminated,1\n'));
  assert.equal(r.status, 400);
  r = await unchanged(() => batch(hanoi, HEADER + '\n' + row(400) + ',extra\n'));
  assert.equal(r.status, 400);
  assert.match(r.body.errors[0].reason, /fields/);
});

test('a 50 MB upload is refused without issuing anything', async () => {
  const big = 'x'.repeat(50 * 1024 * 1024);
  // The server answers 413 as soon as the declared length is over its limit.
  let r = await unchanged(() => rawRequest(srv.port, [
    `POST /api/v1/verify HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${big.length}\r\n\r\n`]));
  assert.equal(r.status, 413, r.text);
  assert.match(r.text, /payload_too_large/);
  r = await unchanged(() => batch(hanoi, HEADER + '\n' + big + '\n'));
  assert.ok(r.status >= 400 && r.status < 500, String(r.status));
});

// ---- status -------------------------------------------------------------------------------------

test('revocation is published in the status list at once and reported by verification', async () => {
  const c = await firstCredential(hanoi);
  const entry = c.document.credentialStatus.find((e) => e.statusPurpose === 'revocation');
  const listPath = new URL(entry.statusListCredential).pathname;
  const before = await anon.get(listPath);
  assert.equal(before.status, 200);
  assert.match(before.headers.get('cache-control'), /max-age=300/);
  const etag = before.headers.get('etag');
  assert.ok(etag);
  const b0 = bits(before.body);
  assert.ok(b0.length * 8 >= 131072);
  assert.equal(bitAt(b0, Number(entry.statusListIndex)), 0);
  assert.equal((await anon.get(listPath, { 'if-none-match': etag })).status, 304);

  let r = await unchanged(() => hanoi.post(`/api/v1/credentials/${c.id}/revoke`, {}));
  assert.equal(r.status, 400);
  assert.equal(r.body.error.field, 'reason');
  r = await hanoi.post(`/api/v1/credentials/${c.id}/revoke`, { reason: 'Cấp nhầm người' });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.status, 'revoked');
  const after = await anon.get(listPath);
  assert.notEqual(after.headers.get('etag'), etag);
  assert.equal(bitAt(bits(after.body), Number(entry.statusListIndex)), 1);
  const v = await verify(c.document);
  assert.equal(v.body.verified, false);
  assert.equal(check(v.body, 'status').code, 'revoked');
  // The list is itself a signed credential that verifies.
  const lv = await verify(after.body);
  assert.equal(lv.body.verified, true, JSON.stringify(lv.body.checks));
  // Revocation is final.
  r = await unchanged(() => hanoi.post(`/api/v1/credentials/${c.id}/reinstate`, { reason: 'nhầm' }));
  assert.equal(r.status, 409);
  r = await unchanged(() => hanoi.post(`/api/v1/credentials/${c.id}/revoke`, { reason: 'lần nữa' }));
  assert.equal(r.status, 409);
  const audit = dbExec(store, `SELECT COUNT(*) FROM audit_log WHERE action = 'credential.revoke' AND target = 'credential:${c.id}'`);
  assert.equal(audit, '1');
});

test('suspension is reported and lifted by reinstatement', async () => {
  const l = await hanoi.get('/api/v1/credentials?issuer=THPT-CVA&status=active&type=diploma');
  const c = (await hanoi.get('/api/v1/credentials/' + l.body.items[0].id)).body;
  let r = await hanoi.post(`/api/v1/credentials/${c.id}/suspend`, { reason: 'Đang xác minh hồ sơ' });
  assert.equal(r.status, 200, r.text);
  let v = await verify(c.document);
  assert.equal(check(v.body, 'status').code, 'suspended');
  r = await hanoi.post(`/api/v1/credentials/${c.id}/reinstate`, { reason: 'Đã xác minh' });
  assert.equal(r.status, 200, r.text);
  v = await verify(c.document);
  assert.equal(v.body.verified, true);
  r = await unchanged(() => hanoi.post(`/api/v1/credentials/${c.id}/reinstate`, { reason: 'again' }));
  assert.equal(r.status, 409);
});

test('a credential without credentialStatus is never reported revoked', async () => {
  const c = await firstCredential(hanoi, '&status=active');
  const doc = structuredClone(c.document);
  delete doc.credentialStatus;
  const v = await verify(doc);
  // The proof fails (the content changed) but status says it cannot be revoked.
  assert.equal(check(v.body, 'status').code, 'no_status');
  assert.equal(check(v.body, 'proof').status, 'fail');
});

test('unknown status lists answer 404', async () => {
  assert.equal((await anon.get('/status/THPT-CVA/99/revocation')).status, 404);
  assert.equal((await anon.get('/status/THPT-CVA/1/other')).status, 404);
  assert.equal((await anon.get('/status/NOPE/1/revocation')).status, 404);
});

// ---- keys, DIDs and the trust registry ---------------------------------------------------------

test('DID documents list the unit keys; after rotation old credentials still verify', async () => {
  const old = await firstCredential(hanoi, '&status=active');
  const d1 = await anon.get('/units/THPT-CVA/did.json');
  assert.equal(d1.status, 200);
  assert.equal(d1.body.id, 'did:web:127.0.0.1%3A8080:units:THPT-CVA');
  assert.equal(d1.body.verificationMethod.length, 1);
  const rot = await hanoi.post('/api/v1/units/THPT-CVA/keys:rotate', {});
  assert.equal(rot.status, 200, rot.text);
  assert.equal(rot.body.items.length, 2);
  assert.equal(rot.body.items[1].status, 'retired');
  const d2 = await anon.get('/units/THPT-CVA/did.json');
  assert.equal(d2.body.verificationMethod.length, 2);
  assert.ok(d2.body.verificationMethod.some((m) => m.expires), 'the retired key is marked');
  assert.equal(d2.body.assertionMethod.length, 2);
  const v = await verify(old.document);
  assert.equal(v.body.verified, true, JSON.stringify(v.body.checks));
  const r = await batch(hanoi, csv([row(500)]));
  assert.equal(r.status, 201);
  const fresh = await hanoi.get('/api/v1/credentials?issuer=THPT-CVA&q=HS-00500');
  const doc = (await hanoi.get('/api/v1/credentials/' + fresh.body.items[0].id)).body.document;
  assert.notEqual(doc.issuer.id, old.document.issuer.id);
  assert.equal((await verify(doc)).body.verified, true);
  assert.equal((await anon.get('/.well-known/did.json')).status, 200);
  assert.equal((await anon.post('/api/v1/units/THPT-CVA/keys:rotate', {})).status, 401);
  assert.equal((await hcm.post('/api/v1/units/THPT-CVA/keys:rotate', {})).status, 403);
});

test('the trust registry: only the Ministry accredits; verification says who and until when', async () => {
  const c = await firstCredential(hanoi, '&status=active');
  let v = await verify(c.document);
  assert.equal(check(v.body, 'trust').code, 'not_in_registry');
  assert.equal(v.body.trusted, false);
  let r = await unchanged(() => hanoi.req('PUT', '/api/v1/trust-registry/THPT-CVA', { from: '2025-01-01' }));
  assert.equal(r.status, 403);
  r = await unchanged(() => admin.req('PUT', '/api/v1/trust-registry/THPT-CVA', { from: '2025-13-01' }));
  assert.equal(r.status, 400);
  r = await unchanged(() => admin.req('PUT', '/api/v1/trust-registry/THPT-CVA', { from: '2025-01-01', types: ['passport'] }));
  assert.equal(r.status, 400);
  r = await admin.req('PUT', '/api/v1/trust-registry/THPT-CVA',
    { from: '2025-01-01', until: '2030-12-31', types: ['diploma', 'transcript'], decision: '1234/QĐ-BGDĐT' });
  assert.equal(r.status, 200, r.text);
  v = await verify(c.document);
  assert.equal(v.body.trusted, true);
  assert.equal(check(v.body, 'trust').code, 'accredited');
  assert.match(check(v.body, 'trust').message.en, /accredited by the Ministry from 01\/01\/2025 to 31\/12\/2030/);
  assert.match(check(v.body, 'trust').message.vi, /Trường THPT Chu Văn An/);
  const list = await anon.get('/api/v1/trust-registry');
  assert.equal(list.body.items[0].unit, 'THPT-CVA');
  const exp = await anon.get('/api/v1/trust-registry:export');
  assert.equal(exp.status, 200);
  assert.ok(exp.body.proof);
  const file = path.join(tmp, 'trust.json');
  writeFileSync(file, exp.text);
  const credFile = path.join(tmp, 'c.json');
  writeFileSync(credFile, JSON.stringify(c.document));
  const out = cli(store, ['credential', 'verify', '--trust', file, credFile]);
  assert.equal(out.status, 0, out.stdout + out.stderr);
  assert.match(out.stdout, /VALID/);
});

// ---- verification and the W3C VC API -----------------------------------------------------------

test('verification refuses tampering, truncation and context changes, with reasons', async () => {
  const c = await firstCredential(hanoi, '&status=active');
  const cases = [
    (d) => { d.credentialSubject.identifier[1].identityHash += 'x'; return 'signature_invalid'; },
    (d) => { d.proof.proofValue = d.proof.proofValue.slice(0, 40); return 'proof_value_length'; },
    (d) => { d.proof.proofValue = d.proof.proofValue.replace(/.$/, '0'); return 'proof_value_encoding'; },
    (d) => { d['@context'] = [d['@context'][0]]; return 'context_mismatch'; },
    (d) => { d.proof.proofPurpose = 'authentication'; return 'proof_purpose'; },
    (d) => { d.proof.created = 'yesterday'; return 'proof_created'; },
    (d) => { delete d.proof; return 'proof_missing'; },
  ];
  for (const mutate of cases) {
    const d = structuredClone(c.document);
    const code = mutate(d);
    const v = await verify(d);
    assert.equal(v.body.verified, false);
    assert.equal(check(v.body, 'proof').code, code, JSON.stringify(check(v.body, 'proof')));
    assert.ok(check(v.body, 'proof').message.vi.length > 10);
  }
  let r = await anon.post('/api/v1/verify', '{"a":1,"a":2}', { 'content-type': 'application/json' });
  assert.equal(r.status, 400);
  r = await anon.post('/api/v1/verify', '{"@context":["https://www.w3.org/ns/credentials/v2"]}', { 'content-type': 'application/json' });
  assert.equal(r.status, 200);
  assert.equal(r.body.verified, false);
  assert.equal(check(r.body, 'syntax').status, 'fail');
});

test('W3C VC API: issue signs as the token unit, verify answers 200 or 400', async () => {
  const tok = cli(store, ['--json', 'token', 'create', '--user', 'hanoi.admin', '--scope', 'write', '--name', 'vcapi']);
  assert.equal(tok.status, 0, tok.stderr);
  const api = new Client(srv.base);
  api.bearer = JSON.parse(tok.stdout).token;
  // hanoi.admin's unit is the Department: it signs as SGDDT-HA-NOI.
  const credential = {
    '@context': ['https://www.w3.org/ns/credentials/v2'],
    type: ['VerifiableCredential'],
    credentialSubject: { id: 'did:example:learner', name: 'Vũ Thị Mai' },
  };
  const r = await api.post('/credentials/issue', { credential, options: {} });
  assert.equal(r.status, 201, r.text);
  const vc = r.body.verifiableCredential;
  assert.match(vc.issuer, /^did:key:z6Mk/);
  assert.equal(vc.proof.cryptosuite, 'eddsa-jcs-2022');
  assert.equal(vc.credentialStatus.length, 2);
  let v = await anon.post('/credentials/verify', { verifiableCredential: vc, options: {} });
  assert.equal(v.status, 200, v.text);
  assert.ok(v.body.checks.includes('proof'));
  const bad = structuredClone(vc);
  bad.credentialSubject.name = 'Vũ Thị Mại';
  v = await anon.post('/credentials/verify', { verifiableCredential: bad });
  assert.equal(v.status, 400);
  assert.equal(v.body.errors[0].check, 'proof');
  let e = await unchanged(() => api.post('/credentials/issue', { credential: { ...credential, issuer: 'did:key:z6MkrJVnaZkeFzdQyMZu1cgjg7k1pZZ6pvBQ7XJPt4swbTQ2' } }));
  assert.equal(e.status, 400);
  e = await unchanged(() => api.post('/credentials/issue', { credential: { ...credential, '@context': ['https://example.org'] } }));
  assert.equal(e.status, 400);
  e = await unchanged(() => anon.post('/credentials/issue', { credential }));
  assert.equal(e.status, 401);
});

test('the public link of a credential, the verify page and the schemas are served', async () => {
  const c = await firstCredential(hanoi);
  const p = await anon.get(`/api/v1/credentials/${c.id}/public`);
  assert.equal(p.status, 200);
  assert.deepEqual(p.body, c.document);
  assert.equal((await anon.get('/api/v1/credentials/00000000-0000-4000-8000-000000000000/public')).status, 404);
  assert.equal((await anon.get('/api/v1/credentials/not-a-uuid/public')).status, 404);
  const page = await anon.get('/verify');
  assert.equal(page.status, 200);
  assert.match(page.headers.get('content-type'), /text\/html/);
  const s = await anon.get('/schemas/diploma.input.json');
  assert.equal(s.status, 200);
  assert.ok(s.body.properties.id_number);
  assert.equal((await anon.get('/schemas/nope.json')).status, 404);
});

test('a credential prints as a PDF with its text and a QR code link', async () => {
  const c = await firstCredential(hanoi);
  const r = await fetch(`${srv.base}/api/v1/credentials/${c.id}/pdf`, { headers: { cookie: hanoi.cookie } });
  assert.equal(r.status, 200, await r.clone().text());
  assert.equal(r.headers.get('content-type'), 'application/pdf');
  const buf = Buffer.from(await r.arrayBuffer());
  assert.equal(buf.subarray(0, 5).toString(), '%PDF-');
  const file = path.join(tmp, 'c.pdf');
  writeFileSync(file, buf);
  const { execFileSync } = await import('node:child_process');
  const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
  assert.ok(text.includes(c.subjectName), text);
  assert.ok(text.includes('/verify?id=' + c.id) || text.replace(/\s/g, '').includes('/verify?id=' + c.id), text);
  assert.equal((await hcm.get(`/api/v1/credentials/${c.id}/pdf`)).status, 404);
});

test('every credential write is audited and the chain still verifies', async () => {
  const n = Number(dbExec(store, "SELECT COUNT(*) FROM audit_log WHERE action LIKE 'credential.%' OR action LIKE 'trust.%'"));
  assert.ok(n >= 10, String(n));
  const r = cli(store, ['audit', 'verify']);
  assert.equal(r.status, 0, r.stdout + r.stderr);
});

const failed = await run(SUITE);
await srv.stop();
store.cleanup();
rmSync(tmp, { recursive: true, force: true });
process.exit(failed ? 1 : 0);
