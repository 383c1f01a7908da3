// The movement API suite: campaigns as data, registrations, pledges, coverage, bad input and
// scope. Runs on SQLite, and on PostgreSQL when EDX_TEST_PG is set.
import { readFileSync, existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { test, assert, run } from '../lib/harness.mjs';
import { seededStore, Server, cli, dbExec, snapshot } from '../lib/server.mjs';

const SUITE = process.env.EDX_SUITE_NAME || 'movement';
const store = seededStore();
const srv = await new Server(store).start();
const admin = await srv.login('admin');
const hanoi = await srv.login('hanoi.admin');
const hcm = await srv.login('hcm.admin');
const teacher = await srv.login('teacher');

const SEED = JSON.parse(readFileSync(new URL('../../data/movement/campaign-2025-2030.json', import.meta.url), 'utf8'));
const CODE = SEED.code;
const clone = (x) => structuredClone(x);
const state = () => snapshot(store) + '|' + dbExec(store,
  "SELECT (SELECT COUNT(*) FROM campaigns) || ':' || (SELECT COUNT(*) FROM campaign_registrations) || ':' || " +
  "(SELECT COUNT(*) FROM campaign_pledges) || ':' || (SELECT COALESCE(MAX(updated_at), 0) FROM campaigns)");
const unchanged = async (fn) => {
  const before = state();
  const r = await fn();
  assert.equal(state(), before, 'the store changed');
  return r;
};
const put = (c, url, body) => c.req('PUT', url, body);
const pledgeUrl = (unit) => `/api/v1/campaigns/${CODE}/registrations/${unit}/pledges`;
const reportUrl = (unit, period) => `/api/v1/campaigns/${CODE}/registrations/${unit}/reports/${period}`;
const agg = store.db.startsWith('postgres') ? "string_agg(status, ',' ORDER BY id)" : "group_concat(status, ',')";
const fileState = () => state() + '|' + dbExec(store,
  "SELECT (SELECT COUNT(*) FROM evidence_files) || ':' || (SELECT COUNT(*) FROM evidence_uploads) || ':' || " +
  "(SELECT COUNT(*) FROM progress_reports) || ':' || (SELECT COUNT(*) FROM report_versions) || ':' || " +
  `(SELECT COALESCE(MAX(updated_at), 0) FROM progress_reports) || ':' || (SELECT COALESCE(${agg}, '') FROM progress_reports)`);
const untouched = async (fn) => {
  const before = fileState();
  const r = await fn();
  assert.equal(fileState(), before, 'the store changed');
  return r;
};
const upload = (c, unit, name, bytes, type = 'application/octet-stream') =>
  c.post(`/api/v1/evidence?unit=${unit}&name=${encodeURIComponent(name)}`, bytes, { 'content-type': type });
// Small but real files of each kind (magic numbers and, for OOXML, the part names).
const PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');
const PNG = Buffer.concat([Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'), Buffer.alloc(64, 1)]);
const docx = (extra = '') => Buffer.from('PK\x03\x04' + '\0'.repeat(26) + '[Content_Types].xml ... word/document.xml ' + extra, 'binary');
const sha = (b) => createHash('sha256').update(b).digest('hex');

test('the 2025-2030 movement loads as data and reads back whole', async () => {
  const r = await admin.post('/api/v1/campaigns', SEED);
  assert.equal(r.status, 201, r.text);
  const g = await teacher.get('/api/v1/campaigns/' + CODE);
  assert.equal(g.status, 200, g.text);
  assert.equal(g.body.name, SEED.name);
  assert.deepEqual(g.body.phases.map((p) => [p.code, p.starts_on, p.ends_on]),
    [['GD1', '2025-08-07', '2027-12-31'], ['GD2', '2028-01-01', '2030-12-31']]);
  assert.deepEqual(g.body.milestones.map((m) => m.kind), ['preliminary', 'final']);
  assert.deepEqual(g.body.criteria.map((c) => c.code),
    ['effectiveness', 'creativity', 'replicability', 'practical_impact']);
  assert.equal(g.body.reward_forms.length, 6);
  assert.equal(g.body.registered, 0);
  const l = await hanoi.get('/api/v1/campaigns');
  assert.equal(l.status, 200);
  assert.ok(l.body.campaigns.some((c) => c.code === CODE));
  const again = await unchanged(() => admin.post('/api/v1/campaigns', SEED));
  assert.equal(again.status, 409);
  assert.equal(again.body.error.code, 'exists');
});

test('only the ministry defines campaigns', async () => {
  const y = { ...clone(SEED), code: 'YEARLY-2026' };
  for (const c of [hanoi, teacher]) {
    const r = await unchanged(() => c.post('/api/v1/campaigns', y));
    assert.equal(r.status, 403, r.text);
  }
});

test('a definition that makes no sense is refused and names the field', async () => {
  const cases = [
    [(d) => { d.criteria[0].weight = 0.5; }, 'criteria', /add up to 1/],
    [(d) => { d.phases[1].starts_on = '2027-06-01'; }, 'phases[1]', /overlap|not after/],
    [(d) => { d.milestones[0].on = '2028-06-01'; }, 'milestones[0]', /outside phase GD1/],
    [(d) => { d.milestones[0].phase = 'GD9'; }, 'milestones[0]', /GD9/],
    [(d) => { d.ends_on = '2024-01-01'; }, 'ends_on', /before starts_on/],
    [(d) => { d.phases[0].starts_on = '2025-01-01'; }, 'phases[0]', /outside the campaign/],
    [(d) => { delete d.indicators[0].source; }, 'indicators[0]', /source must be one of/],
    [(d) => { d.indicators[0].source = 'credentials.nonsense'; }, 'indicators[0]', /source/],
    [(d) => { d.indicators[5].source = 'credentials.diplomas_issued'; }, 'indicators[5]', /by hand/],
    [(d) => { d.indicators[1].code = d.indicators[0].code; }, 'indicators', /repeats/],
    [(d) => { d.participant_types.push('castle'); }, 'participant_types/6', /./],
    [(d) => { d.colour = 'red'; }, 'colour', /unknown/i],
    [(d) => { d.starts_on = '2025-02-30'; }, 'starts_on', /date/],
    [(d) => { d.criteria[0].levels[0].score = 11; }, 'criteria', /outside the scale/],
    [(d) => { delete d.phases; }, 'phases', /phases is required/],
  ];
  for (const [edit, field, re] of cases) {
    const d = { ...clone(SEED), code: 'BAD-1' };
    edit(d);
    const r = await unchanged(() => admin.post('/api/v1/campaigns', d));
    assert.equal(r.status, 400, `${field}: ${r.text}`);
    assert.equal(r.body.error.field, field, r.text);
    assert.match(r.body.error.message, re, r.text);
  }
});

test('a unit admin registers its own eligible unit, once', async () => {
  const r = await hanoi.post(`/api/v1/campaigns/${CODE}/registrations`, { unit: 'SGDDT-HA-NOI' });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.body.unit.code, 'SGDDT-HA-NOI');
  assert.deepEqual(r.body.pledges, []);
  const twice = await unchanged(() => hanoi.post(`/api/v1/campaigns/${CODE}/registrations`, { unit: 'SGDDT-HA-NOI' }));
  assert.equal(twice.status, 409);
  assert.equal(twice.body.error.code, 'already_registered');
});

test('nobody registers another unit, an ineligible unit or for an unknown campaign', async () => {
  const cases = [
    [hanoi, CODE, 'SGDDT-HO-CHI-MINH', 403],
    [hanoi, CODE, 'THPT-CVA', 400], // a school: not a participant type
    [admin, CODE, 'NO-SUCH-UNIT', 404],
    [admin, 'NO-SUCH-CAMPAIGN', 'SGDDT-HUE', 404],
    [teacher, CODE, 'SGDDT-HA-NOI', 403],
  ];
  for (const [c, code, unit, status] of cases) {
    const r = await unchanged(() => c.post(`/api/v1/campaigns/${code}/registrations`, { unit }));
    assert.equal(r.status, status, `${unit}: ${r.text}`);
  }
  const bad = await unchanged(() => admin.post(`/api/v1/campaigns/${CODE}/registrations`, { unit: 'SGDDT-HUE', extra: 1 }));
  assert.equal(bad.status, 400);
});

test('fifty concurrent registrations of one unit register it exactly once', async () => {
  const rs = await Promise.all(Array.from({ length: 50 }, () =>
    admin.post(`/api/v1/campaigns/${CODE}/registrations`, { unit: 'SGDDT-DA-NANG' })));
  assert.equal(rs.filter((r) => r.status === 201).length, 1);
  assert.equal(rs.filter((r) => r.status === 409).length, 49, rs.map((r) => r.status).join());
  assert.equal(dbExec(store, "SELECT COUNT(*) FROM campaign_registrations g JOIN units u ON u.id = g.unit_id WHERE u.code = 'SGDDT-DA-NANG'"), '1');
});

test('pledges are replaced as a whole and read back', async () => {
  const pledges = [
    { indicator: 'TR-SO', phase: 'GD1', target: 80 },
    { indicator: 'VB-SO', phase: 'GD1', target: 12000, note: 'toàn thành phố' },
    { indicator: 'TR-SO', phase: 'GD2', target: 100 },
    { indicator: 'BD-NLS', phase: 'GD2', target: 95.5 },
  ];
  let r = await put(hanoi, pledgeUrl('SGDDT-HA-NOI'), { pledges });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.pledges.length, 4);
  r = await put(hanoi, pledgeUrl('SGDDT-HA-NOI'), { pledges: pledges.slice(0, 2) });
  assert.equal(r.status, 200, r.text);
  const g = await hanoi.get(`/api/v1/campaigns/${CODE}/registrations/SGDDT-HA-NOI`);
  assert.equal(g.status, 200);
  assert.deepEqual(g.body.pledges.map((p) => [p.indicator, p.phase, p.target, p.note]),
    [['TR-SO', 'GD1', 80, null], ['VB-SO', 'GD1', 12000, 'toàn thành phố']]);
  const audited = dbExec(store, "SELECT COUNT(*) FROM audit_log WHERE action = 'campaign.pledge' AND target = 'unit:SGDDT-HA-NOI'");
  assert.equal(audited, '2');
});

test('a bad pledge changes nothing', async () => {
  const ok = { indicator: 'TR-SO', phase: 'GD1', target: 50 };
  const cases = [
    [[{ ...ok, target: 180 }], /percentage/],
    [[{ ...ok, indicator: 'VB-SO', target: 12.5 }], /whole number/],
    [[{ ...ok, indicator: 'VB-SO', target: -1 }], /whole number/],
    [[{ ...ok, indicator: 'NOPE' }], /no indicator NOPE/],
    [[{ ...ok, phase: 'GD7' }], /no phase GD7/],
    [[ok, ok], /repeats/],
    [[{ ...ok, target: '50' }], /number/],
    [[{ ...ok, colour: 'red' }], /unknown member/],
    [['TR-SO'], /object/],
    [{ indicator: 'TR-SO' }, /list/],
  ];
  for (const [pledges, re] of cases) {
    const r = await unchanged(() => put(hanoi, pledgeUrl('SGDDT-HA-NOI'), { pledges }));
    assert.equal(r.status, 400, r.text);
    assert.match(r.body.error.message, re, r.text);
  }
  const other = await unchanged(() => put(hanoi, pledgeUrl('SGDDT-HO-CHI-MINH'), { pledges: [ok] }));
  assert.equal(other.status, 403);
  const unregistered = await unchanged(() => put(hcm, pledgeUrl('SGDDT-HO-CHI-MINH'), { pledges: [ok] }));
  assert.equal(unregistered.status, 409);
  assert.equal(unregistered.body.error.code, 'not_registered');
  const nobody = await hcm.get(`/api/v1/campaigns/${CODE}/registrations/SGDDT-HO-CHI-MINH`);
  assert.equal(nobody.status, 404);
});

test('the ministry sees who has and has not registered, by type and province', async () => {
  const r = await admin.get(`/api/v1/campaigns/${CODE}/coverage`);
  assert.equal(r.status, 200, r.text);
  const eligible = Number(dbExec(store, "SELECT COUNT(*) FROM units WHERE status = 'active' AND type IN " +
    "('ministry_unit','national_university','doet','university','college','vocational')"));
  assert.equal(r.body.eligible, eligible);
  assert.equal(r.body.registered, 2);
  assert.equal(r.body.not_registered, eligible - 2);
  const doet = r.body.by_type.find((t) => t.type === 'doet');
  assert.equal(doet.registered, 2);
  const hn = r.body.by_province.find((p) => p.province === 'ha-noi');
  assert.ok(hn.registered >= 1 && hn.eligible > hn.registered);
  const not = await admin.get(`/api/v1/campaigns/${CODE}/coverage?registered=false&type=doet&limit=500`);
  assert.equal(not.status, 200);
  assert.ok(!not.body.units.some((u) => u.code === 'SGDDT-HA-NOI'));
  assert.equal(not.body.units.length, doet.eligible - 2);
  const yes = await admin.get(`/api/v1/campaigns/${CODE}/coverage?registered=true`);
  assert.deepEqual(yes.body.units.map((u) => u.code).sort(), ['SGDDT-DA-NANG', 'SGDDT-HA-NOI']);
  assert.equal(yes.body.units.find((u) => u.code === 'SGDDT-HA-NOI').pledges, 2);
  const page = await admin.get(`/api/v1/campaigns/${CODE}/coverage?limit=5`);
  assert.equal(page.body.units.length, 5);
  assert.equal(page.body.next_offset, 5);
  const bad = await admin.get(`/api/v1/campaigns/${CODE}/coverage?registered=maybe`);
  assert.equal(bad.status, 400);
});

test('a unit admin sees coverage of its own subtree only', async () => {
  // Hà Nội's subtree: the Department itself and a vocational college (schools do not take part).
  const r = await hanoi.get(`/api/v1/campaigns/${CODE}/coverage`);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.eligible, 2);
  assert.equal(r.body.registered, 1);
  assert.deepEqual(r.body.units.map((u) => u.code), ['SGDDT-HA-NOI', 'CD-NGHE-HN']);
  const not = await hanoi.get(`/api/v1/campaigns/${CODE}/coverage?registered=false`);
  assert.deepEqual(not.body.units.map((u) => u.code), ['CD-NGHE-HN']);
  const g = await hanoi.get('/api/v1/campaigns/' + CODE);
  assert.equal(g.body.registered, 1);
  const t = await teacher.get(`/api/v1/campaigns/${CODE}/coverage`);
  assert.equal(t.status, 403);
});

test('a campaign is redefined until its first registration, then fixed', async () => {
  const y = { ...clone(SEED), code: 'YEARLY-2026', kind: 'yearly', name: 'Thi đua năm học 2026–2027',
    starts_on: '2026-09-01', ends_on: '2027-08-31',
    phases: [{ code: 'NH', name: 'Năm học', starts_on: '2026-09-01', ends_on: '2027-08-31' }],
    milestones: [{ code: 'TK', kind: 'final', name: 'Tổng kết', on: '2027-08-31', phase: 'NH' }] };
  let r = await admin.post('/api/v1/campaigns', y);
  assert.equal(r.status, 201, r.text);
  r = await put(admin, '/api/v1/campaigns/YEARLY-2026', { ...y, name: 'Thi đua năm học 2026-2027 (sửa)' });
  assert.equal(r.status, 200, r.text);
  assert.match(r.body.name, /sửa/);
  const mismatch = await unchanged(() => put(admin, '/api/v1/campaigns/YEARLY-2026', { ...y, code: 'OTHER' }));
  assert.equal(mismatch.status, 400);
  const fixed = await unchanged(() => put(admin, '/api/v1/campaigns/' + CODE, { ...SEED, name: 'x y' }));
  assert.equal(fixed.status, 409);
  assert.equal(fixed.body.error.code, 'has_registrations');
  const audited = dbExec(store, "SELECT COUNT(*) FROM audit_log WHERE action = 'campaign.redefine' AND target = 'campaign:YEARLY-2026'");
  assert.equal(audited, '1');
});

test('the CLI loads, registers, pledges and reports coverage', async () => {
  let r = cli(store, ['campaign', 'register', 'YEARLY-2026', '--unit', 'SGDDT-HUE']);
  assert.equal(r.status, 0, r.stderr);
  r = cli(store, ['campaign', 'register', 'YEARLY-2026', '--unit', 'THPT-CVA']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /does not take part/);
  r = cli(store, ['campaign', 'coverage', 'YEARLY-2026', '--registered', 'true']);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /1 of \d+ eligible units registered/);
  assert.match(r.stdout, /SGDDT-HUE/);
  r = cli(store, ['campaign', 'load', '/nonexistent.json']);
  assert.equal(r.status, 2);
  r = cli(store, ['campaign', '--help']);
  assert.equal(r.status, 0);
  assert.match(r.stdout, /usage: edudx campaign/);
});

test('evidence files are checked by content, stored once by SHA-256 and kept', async () => {
  const r = await upload(hanoi, 'SGDDT-HA-NOI', 'Báo cáo học bạ số.pdf', PDF, 'application/pdf');
  assert.equal(r.status, 201, r.text);
  assert.equal(r.body.sha256, sha(PDF));
  assert.equal(r.body.media_type, 'application/pdf');
  const file = path.join(store.dir, 'evidence', r.body.sha256.slice(0, 2), r.body.sha256.slice(2, 4), r.body.sha256);
  assert.ok(existsSync(file), file);
  assert.equal(sha(readFileSync(file)), r.body.sha256);
  const again = await upload(hanoi, 'SGDDT-HA-NOI', 'Báo cáo học bạ số.pdf', PDF);
  assert.equal(again.status, 201);
  assert.equal(dbExec(store, `SELECT COUNT(*) FROM evidence_files WHERE sha256 = '${sha(PDF)}'`), '1');
  const d = await upload(hanoi, 'SGDDT-HA-NOI', 'Kế hoạch.docx', docx());
  assert.equal(d.status, 201, d.text);
  assert.match(d.body.media_type, /wordprocessingml/);
  const img = await upload(hanoi, 'CD-NGHE-HN', 'ảnh lớp học.png', PNG, 'image/png');
  assert.equal(img.status, 201, img.text);
});

test('evidence that lies about its type, is empty, too large, a program or markup is refused', async () => {
  const cases = [
    ['a.pdf', PNG, 'application/octet-stream', 400, /named .pdf but its content is a PNG/],
    ['a.png', PNG, 'application/pdf', 400, /sent as application\/pdf/],
    ['empty.pdf', Buffer.alloc(0), undefined, 400, /empty/],
    ['setup.pdf', Buffer.concat([Buffer.from('MZ'), Buffer.alloc(100)]), undefined, 415, /Windows program/],
    ['run.pdf', Buffer.from('#!/bin/sh\nrm -rf /\n'), undefined, 415, /script/],
    ['page.pdf', Buffer.from('<!doctype html><script>alert(1)</script>'), undefined, 415, /web page/],
    ['x.svg', Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script/></svg>'), undefined, 415, /web page/],
    ['macro.docx', docx('word/vbaProject.bin'), undefined, 415, /macros/],
    ['old.doc', Buffer.from('d0cf11e0a1b11ae1' + '00'.repeat(64), 'hex'), undefined, 415, /old Office/],
    ['data.zip', Buffer.from('PK\x03\x04' + '\0'.repeat(60), 'binary'), undefined, 415, /ZIP/],
    ['big.pdf', Buffer.concat([PDF, Buffer.alloc(20 * 1024 * 1024)]), undefined, 413, /at most/],
  ];
  for (const [name, bytes, type, status, re] of cases) {
    const r = await untouched(() => upload(hanoi, 'SGDDT-HA-NOI', name, bytes, type));
    assert.equal(r.status, status, `${name}: ${r.text}`);
    assert.match(r.body.error.message, re, name);
  }
  const other = await untouched(() => upload(hanoi, 'SGDDT-HO-CHI-MINH', 'a.pdf', PDF));
  assert.equal(other.status, 403);
  const noUnit = await untouched(() => hanoi.post('/api/v1/evidence?name=a.pdf', PDF, { 'content-type': 'application/pdf' }));
  assert.equal(noUnit.status, 400);
});

test('an evidence file downloads only for those who may read its unit', async () => {
  const r = await hanoi.get('/api/v1/evidence/' + sha(PDF));
  assert.equal(r.status, 200);
  assert.equal(r.headers.get('content-type'), 'application/pdf');
  assert.match(r.headers.get('content-disposition'), /^attachment; .*filename\*=UTF-8''B%C3%A1o/);
  assert.match(r.headers.get('content-security-policy'), /sandbox/);
  assert.equal(sha(Buffer.from(r.text, 'binary')), sha(PDF)); // the PDF is ASCII
  assert.equal((await admin.get('/api/v1/evidence/' + sha(PDF))).status, 200);
  assert.equal((await hcm.get('/api/v1/evidence/' + sha(PDF))).status, 404);
  assert.equal((await teacher.get('/api/v1/evidence/' + sha(PDF))).status, 404);
  assert.equal((await hanoi.get('/api/v1/evidence/' + 'ab'.repeat(32))).status, 404);
  assert.equal((await hanoi.get('/api/v1/evidence/not-a-hash')).status, 400);
});

test('a report is drafted, submitted with computed values, returned, corrected and accepted', async () => {
  // Three diplomas issued by a school of Hà Nội this year count for the Department.
  const csv = path.join(store.dir, 'cohort.csv');
  (await import('node:fs')).writeFileSync(csv,
    'external_id,id_number,full_name,birth_date,graduation_year,classification,decision_number,decision_date\n' +
    [1, 2, 3].map((i) => `MV-${i},00120810000${i},Nguyễn Văn Học,2008-05-12,2026,Khá,1/QĐ-SGDĐT,2026-06-30`).join('\n') + '\n');
  const iss = cli(store, ['credential', 'issue', '--issuer', 'THPT-CVA', '--type', 'diploma', '--csv', csv]);
  assert.equal(iss.status, 0, iss.stderr);
  const values = [
    { indicator: 'BD-NLS', value: 62.5, note: 'Học kỳ I', evidence: [sha(PDF)] },
    { indicator: 'HS-TT', value: 80, evidence: [sha(PDF), sha(docx())] },
  ];
  let r = await put(hanoi, reportUrl('SGDDT-HA-NOI', '2026'), { values });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.status, 'draft');
  assert.equal(r.body.version, 0);
  r = await hanoi.post(reportUrl('SGDDT-HA-NOI', '2026') + '/submit');
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.status, 'submitted');
  assert.equal(r.body.version, 1);
  const cur = r.body.current;
  const byCode = Object.fromEntries(cur.values.map((v) => [v.indicator, v]));
  assert.equal(byCode['BD-NLS'].value, 62.5);
  assert.equal(byCode['VB-SO'].computed, true);
  assert.equal(byCode['VB-SO'].value, 3);
  assert.equal(byCode['SK-CN'].value, 0); // no initiative recognised yet
  assert.equal(cur.from, '2026-01-01');
  // Locked while submitted; only the Ministry reviews.
  let x = await untouched(() => put(hanoi, reportUrl('SGDDT-HA-NOI', '2026'), { values }));
  assert.equal(x.status, 409);
  x = await untouched(() => hanoi.post(reportUrl('SGDDT-HA-NOI', '2026') + '/return', { comment: 'Thiếu minh chứng' }));
  assert.equal(x.status, 403);
  x = await untouched(() => admin.post(reportUrl('SGDDT-HA-NOI', '2026') + '/return', {}));
  assert.equal(x.status, 400);
  r = await admin.post(reportUrl('SGDDT-HA-NOI', '2026') + '/return', { comment: 'Bổ sung minh chứng cho HS-TT' });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.status, 'returned');
  assert.equal(r.body.comment, 'Bổ sung minh chứng cho HS-TT');
  // Corrected and submitted again: version 2; version 1 is kept as it was.
  r = await put(hanoi, reportUrl('SGDDT-HA-NOI', '2026'), { values: [values[0], { ...values[1], value: 85 }] });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.status, 'returned');
  r = await hanoi.post(reportUrl('SGDDT-HA-NOI', '2026') + '/submit');
  assert.equal(r.body.version, 2);
  assert.equal(r.body.versions.length, 2);
  const v1 = await hanoi.get(reportUrl('SGDDT-HA-NOI', '2026') + '/versions/1');
  assert.equal(v1.status, 200);
  assert.equal(v1.body.values.find((v) => v.indicator === 'HS-TT').value, 80);
  assert.equal((await hanoi.get(reportUrl('SGDDT-HA-NOI', '2026') + '/versions/3')).status, 404);
  r = await admin.post(reportUrl('SGDDT-HA-NOI', '2026') + '/accept');
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.status, 'accepted');
  const l = await admin.get(`/api/v1/campaigns/${CODE}/reports?status=accepted`);
  assert.deepEqual(l.body.reports.map((x) => [x.unit, x.period, x.version]), [['SGDDT-HA-NOI', '2026', 2]]);
  assert.equal((await hcm.get(`/api/v1/campaigns/${CODE}/reports`)).body.reports.length, 0);
  assert.equal(dbExec(store, "SELECT COUNT(*) FROM report_evidence WHERE version = 2"), '3');
});

test('a bad report changes nothing', async () => {
  const url = reportUrl('SGDDT-HA-NOI', '2026-S2');
  const ev = [sha(PDF)];
  const cases = [
    [{ values: [{ indicator: 'VB-SO', value: 3, evidence: ev }] }, 400, /computed by edudx/],
    [{ values: [{ indicator: 'BD-NLS', value: 130, evidence: ev }] }, 400, /percentage/],
    [{ values: [{ indicator: 'BD-NLS', value: 1, evidence: ['ab'.repeat(32)] }] }, 404, /evidence/],
    [{ values: [{ indicator: 'BD-NLS', value: 1, evidence: ['x'] }] }, 400, /SHA-256/],
    [{ values: [{ indicator: 'BD-NLS', value: 1 }, { indicator: 'BD-NLS', value: 2 }] }, 400, /repeats/],
    [{ values: [{ indicator: 'NOPE', value: 1 }] }, 400, /no indicator/],
    [{ values: 'all good' }, 400, /list/],
  ];
  for (const [body, status, re] of cases) {
    const r = await untouched(() => put(hanoi, url, body));
    assert.equal(r.status, status, r.text);
    assert.match(r.body.error.message, re, r.text);
  }
  for (const period of ['2031', '2024', '2026-S3', '26', '2027-S2']) {
    const r = await untouched(() => put(hanoi, reportUrl('SGDDT-HA-NOI', period), { values: [] }));
    assert.equal(r.status, 400, `${period}: ${r.text}`);
  }
  // Another unit's evidence is out of reach; a value without evidence cannot be submitted.
  const hcmPdf = Buffer.concat([PDF, Buffer.from('% HCM\n')]);
  assert.equal((await hcm.post(`/api/v1/campaigns/${CODE}/registrations`, { unit: 'SGDDT-HO-CHI-MINH' })).status, 201);
  assert.equal((await upload(hcm, 'SGDDT-HO-CHI-MINH', 'hcm.pdf', hcmPdf)).status, 201);
  const r = await untouched(() => put(hanoi, url, { values: [{ indicator: 'BD-NLS', value: 1, evidence: [sha(hcmPdf)] }] }));
  assert.equal(r.status, 404);
  assert.equal((await put(hanoi, url, { values: [{ indicator: 'BD-NLS', value: 5 }] })).status, 200);
  const s = await untouched(() => hanoi.post(url + '/submit'));
  assert.equal(s.status, 400);
  assert.match(s.body.error.message, /evidence/);
  const none = await untouched(() => hanoi.post(reportUrl('SGDDT-HA-NOI', '2026-S1') + '/submit'));
  assert.equal(none.status, 409);
  const other = await untouched(() => put(hanoi, reportUrl('SGDDT-HO-CHI-MINH', '2026'), { values: [] }));
  assert.equal(other.status, 403);
});

test('initiatives are submitted with evidence, recognised from above and adopted elsewhere', async () => {
  const body = {
    unit: 'CD-NGHE-HN', title: 'Học bạ số cho học viên nghề', authors: ['Nguyễn Thị Lan', 'Trần Văn Bình'],
    problem: 'Hồ sơ học tập của học viên nghề còn trên giấy, khó tra cứu.',
    solution: 'Cấp học bạ số theo chuẩn W3C, xác thực bằng mã QR.',
    results: 'Toàn bộ 1.200 học viên có học bạ số trong năm 2026.',
    evidence: [sha(docx())],
  };
  let r = await hanoi.post('/api/v1/initiatives', body);
  assert.equal(r.status, 201, r.text);
  const id = r.body.id;
  assert.equal(r.body.unit.code, 'CD-NGHE-HN');
  assert.deepEqual(r.body.authors, ['Nguyễn Thị Lan', 'Trần Văn Bình']);
  assert.equal(r.body.recognition, null);
  // Everyone signed in finds it (accents optional) and may open its evidence.
  const found = await hcm.get('/api/v1/initiatives?q=hoc%20ba%20so');
  assert.deepEqual(found.body.initiatives.map((x) => x.id), [id]);
  assert.equal((await teacher.get('/api/v1/initiatives/' + id)).status, 200);
  assert.equal((await hcm.get('/api/v1/evidence/' + sha(docx()))).status, 200);
  // Bad submissions change nothing.
  const bad = [
    [hanoi, { ...body, evidence: [] }, 400, /evidence/],
    [hanoi, { ...body, problem: 'ngắn' }, 400, /problem/],
    [hanoi, { ...body, colour: 'red' }, 400, /colour/],
    [hanoi, { ...body, unit: 'SGDDT-HO-CHI-MINH' }, 403, /./],
    [hanoi, { ...body, recognition: { body: 'Sở GDĐT', decision_number: '1/QĐ', decision_date: '2099-01-01', scope: 'province' } }, 400, /future/],
    [hanoi, { ...body, recognition: { body: 'Sở GDĐT', decision_number: '1/QĐ', decision_date: '2026-01-01', scope: 'galaxy' } }, 400, /scope/],
    [teacher, body, 403, /./],
  ];
  for (const [c, b, status, re] of bad) {
    const x = await untouched(() => c.post('/api/v1/initiatives', b));
    assert.equal(x.status, status, x.text);
    assert.match(x.body.error.message, re, x.text);
  }
  // Recognition comes from above the unit: Hà Nội's Department, not Ho Chi Minh City's.
  const rec = { body: 'Sở GDĐT Hà Nội', decision_number: '215/QĐ-SGDĐT', decision_date: '2026-10-15', scope: 'province' };
  let x = await untouched(() => hcm.post(`/api/v1/initiatives/${id}/recognition`, rec));
  assert.equal(x.status, 403);
  r = await hanoi.post(`/api/v1/initiatives/${id}/recognition`, rec);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.recognition.scope, 'province');
  // Adoption elsewhere, once, with evidence; not by the initiative's own unit.
  const hcmDoc = Buffer.concat([PDF, Buffer.from('% adoption\n')]);
  assert.equal((await upload(hcm, 'SGDDT-HO-CHI-MINH', 'ap-dung.pdf', hcmDoc)).status, 201);
  const adopt = { unit: 'SGDDT-HO-CHI-MINH', adopted_on: '2026-11-01', note: 'Áp dụng cho 3 trường nghề', evidence: [sha(hcmDoc)] };
  r = await hcm.post(`/api/v1/initiatives/${id}/adoptions`, adopt);
  assert.equal(r.status, 201, r.text);
  assert.equal(r.body.adoptions, 1);
  assert.equal(r.body.adopted_by[0].unit, 'SGDDT-HO-CHI-MINH');
  x = await untouched(() => hcm.post(`/api/v1/initiatives/${id}/adoptions`, adopt));
  assert.equal(x.status, 409);
  x = await untouched(() => hanoi.post(`/api/v1/initiatives/${id}/adoptions`, { ...adopt, unit: 'CD-NGHE-HN', evidence: [sha(PDF)] }));
  assert.equal(x.status, 400);
  assert.match(x.body.error.message, /elsewhere/);
  x = await untouched(() => hcm.post(`/api/v1/initiatives/${id}/adoptions`, { ...adopt, evidence: [] }));
  assert.equal(x.status, 400);
  assert.equal((await hcm.get('/api/v1/initiatives/999999')).status, 404);
  // The Department's report counts the recognised initiative and the adoption elsewhere.
  const url = reportUrl('SGDDT-HA-NOI', '2026-S2');
  r = await put(hanoi, url, { values: [{ indicator: 'BD-NLS', value: 70, evidence: [sha(PDF)] }] });
  assert.equal(r.status, 200, r.text);
  r = await hanoi.post(url + '/submit');
  assert.equal(r.status, 200, r.text);
  const v = Object.fromEntries(r.body.current.values.map((x) => [x.indicator, x.value]));
  assert.equal(v['SK-CN'], 1);
  assert.equal(v['SK-NR'], 1);
  const list = await admin.get('/api/v1/initiatives?recognised=true&scope=province');
  assert.deepEqual(list.body.initiatives.map((x) => x.id), [id]);
});

test('every movement write is audited and the chain still verifies', async () => {
  const n = Number(dbExec(store, "SELECT COUNT(*) FROM audit_log WHERE action LIKE 'campaign.%'"));
  assert.ok(n >= 7, String(n));
  const r = cli(store, ['audit', 'verify']);
  assert.equal(r.status, 0, r.stdout + r.stderr);
});

const failed = await run(SUITE);
await srv.stop();
store.cleanup();
process.exit(failed ? 1 : 0);
