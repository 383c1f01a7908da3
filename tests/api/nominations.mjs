// The nominations suite: award history from CSV, a nomination from proposal to decision
// (eligibility explained, council ballot, public posting with comments, submission, decision
// with an award credential, annulment), the dossier (PDF + ZIP of evidence), the exact tally
// of 50 concurrent voters, and bad input. Runs on SQLite, and on PostgreSQL when EDX_TEST_PG.
import { readFileSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { test, assert, run } from '../lib/harness.mjs';
import { seededStore, Server, cli, dbExec, PASSWORD } from '../lib/server.mjs';

const SUITE = process.env.EDX_SUITE_NAME || 'nominations';
const store = seededStore();
const VOTERS = 50;
const voterNames = Array.from({ length: VOTERS }, (_, i) => `bp.${String(i + 1).padStart(2, '0')}`);
for (const u of ['rv.a', 'rv.b', 'rv.c', 'rv.d', ...voterNames]) {
  const r = cli(store, ['user', 'add', u, '--role', 'reviewer', '--unit', 'BGDDT-VP'], PASSWORD + '\n');
  if (r.status !== 0) throw new Error(r.stderr);
}
const srv = await new Server(store).start();
const admin = await srv.login('admin');
const hanoi = await srv.login('hanoi.admin');
const hcm = await srv.login('hcm.admin');
const chair = await srv.login('reviewer');
const teacher = await srv.login('teacher');
const anon = srv.client();
const rv = {};
for (const u of ['rv.a', 'rv.b', 'rv.c', 'rv.d']) rv[u] = await srv.login(u);

const SEED = JSON.parse(readFileSync(new URL('../../data/movement/campaign-2025-2030.json', import.meta.url), 'utf8'));
const CODE = SEED.code;
const UNITS = ['SGDDT-HA-NOI', 'SGDDT-HO-CHI-MINH', 'SGDDT-DA-NANG'];
const state = () => dbExec(store,
  "SELECT (SELECT COUNT(*) FROM audit_log) || ':' || (SELECT COUNT(*) FROM award_history) || ':' || " +
  "(SELECT COUNT(*) FROM nominations) || ':' || (SELECT COUNT(*) FROM ballots) || ':' || " +
  "(SELECT COUNT(*) FROM ballot_voters) || ':' || (SELECT COALESCE(SUM(yes + no + abstain), 0) FROM ballot_items) || ':' || " +
  "(SELECT COUNT(*) FROM nomination_comments) || ':' || (SELECT COUNT(*) FROM nomination_steps)");
const unchanged = async (fn) => {
  const before = state();
  const r = await fn();
  assert.equal(state(), before, 'the store changed');
  return r;
};
const bad = async (fn, status, re) => {
  const r = await unchanged(fn);
  assert.equal(r.status, status, r.text);
  if (re) assert.match(r.body.error.message, re, r.text);
  return r;
};
const nominate = (c, body) => c.post(`/api/v1/campaigns/${CODE}/nominations`, body);
const ballotOpen = (c, body) => c.post(`/api/v1/campaigns/${CODE}/ballots`, body);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const inSeconds = (s) => new Date(Date.now() + s * 1000).toISOString().replace(/\.\d+Z$/, 'Z');
const PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');
const sha = (b) => createHash('sha256').update(b).digest('hex');

let person;
test('setup: the campaign, three registered units, a teacher and two councils', async () => {
  assert.equal((await admin.post('/api/v1/campaigns', SEED)).status, 201);
  for (const unit of UNITS)
    assert.equal((await admin.post(`/api/v1/campaigns/${CODE}/registrations`, { unit })).status, 201);
  const p = await admin.post('/api/v1/people', {
    unit_code: 'SGDDT-HA-NOI', full_name: 'Phạm Thị Thu', kind: 'manager', national_id: '001180012345',
  });
  assert.equal(p.status, 201, p.text);
  person = p.body.id;
  const members = (names) => [{ username: 'reviewer', role: 'chair' }, ...names.map((username) => ({ username, role: 'member' }))];
  let r = await admin.post(`/api/v1/campaigns/${CODE}/rounds`, { code: 'HD', name: 'Hội đồng thi đua - khen thưởng', stage: 'final', members: members(['rv.a', 'rv.b', 'rv.c', 'rv.d']) });
  assert.equal(r.status, 201, r.text);
  r = await admin.post(`/api/v1/campaigns/${CODE}/rounds`, { code: 'HD50', name: 'Hội đồng mở rộng', stage: 'final', members: members(voterNames) });
  assert.equal(r.status, 201, r.text);
});

const HEADER = 'unit,person_id,kind,form,year,level,award_type,decision,decision_date,issuer';
const history = () => [
  HEADER,
  `SGDDT-HA-NOI,${person},award,pm_certificate,2019,,regular,123/QĐ-TTg,2019-08-01,Thủ tướng Chính phủ`,
  ...[2020, 2021, 2022].map((y) => `SGDDT-HA-NOI,${person},award,grassroots_emulation_fighter,${y},,regular,${y}/QĐ-SGDĐT,${y}-06-01,Giám đốc Sở`),
  ...[2020, 2021, 2022, 2023, 2024, 2025, 2026].map((y) => `SGDDT-HA-NOI,${person},rating,,${y},${y === 2024 ? 'Hoàn thành xuất sắc nhiệm vụ' : 'good'},,,,`),
  'SGDDT-HA-NOI,,award,minister_certificate,2024,,movement,55/QĐ-BGDĐT,2024-09-05,Bộ trưởng',
].join('\n') + '\n';

test('past awards and ratings import from CSV; a rerun adds nothing', async () => {
  const r = await hanoi.post('/api/v1/awards/history/import', history(), { 'content-type': 'text/csv' });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.body, { records: 12, added: 12, existing: 0 });
  const again = await hanoi.post('/api/v1/awards/history/import', history(), { 'content-type': 'text/csv' });
  assert.deepEqual(again.body, { records: 12, added: 0, existing: 12 });
  const h = await hanoi.get(`/api/v1/awards/history?unit=SGDDT-HA-NOI&person=${person}`);
  assert.equal(h.status, 200, h.text);
  assert.equal(h.body.subject.name, 'Phạm Thị Thu');
  assert.equal(h.body.awards.length, 4);
  assert.equal(h.body.ratings.length, 7);
  const u = await admin.get('/api/v1/awards/history?unit=SGDDT-HA-NOI');
  assert.equal(u.body.awards[0].form, 'minister_certificate');
});

test('a bad history file changes nothing and names the line', async () => {
  const cases = [
    ['unit,kind\nSGDDT-HA-NOI,award\n', 400, /header/],
    [HEADER + '\nSGDDT-HA-NOI,,award,golden_star,2020,,,,,\n', 400, /line 2.*golden_star|golden_star/],
    [HEADER + '\nSGDDT-HA-NOI,,rating,,2020,superb,,,,\n', 400, /line 2/],
    [HEADER + '\nSGDDT-HA-NOI,,award,pm_certificate,1800,,,,,\n', 400, /year/],
    [HEADER + '\nSGDDT-HA-NOI,,gift,pm_certificate,2020,,,,,\n', 400, /kind/],
    [HEADER + '\nSGDDT-HA-NOI,,award,pm_certificate,2020,,,,2020-02-30,\n', 400, /line 2/],
    [HEADER + '\nSGDDT-HA-NOI,,award,pm_certificate,2018,,,,,\nSGDDT-HO-CHI-MINH,,award,pm_certificate,2018,,,,,\n', 403, /line 3/],
    ['', 400, /empty/],
  ];
  for (const [csv, status, re] of cases)
    await bad(() => hanoi.post('/api/v1/awards/history/import', csv, { 'content-type': 'text/csv' }), status, re);
  await bad(() => teacher.post('/api/v1/awards/history/import', history(), { 'content-type': 'text/csv' }), 403);
  await bad(() => hcm.get('/api/v1/awards/history?unit=SGDDT-HA-NOI'), 403);
});

let N1, N2, N3;
test('a unit nominates; eligibility is evaluated from the recorded history and explained', async () => {
  let r = await nominate(hanoi, { unit: 'SGDDT-HA-NOI', person_id: person, form: 'labor_medal_3', candidate_year: 2027, summary: 'Năm năm liền hoàn thành tốt nhiệm vụ, dẫn dắt chuyển đổi số của Sở.' });
  assert.equal(r.status, 201, r.text);
  N1 = r.body;
  assert.equal(N1.status, 'proposed');
  assert.equal(N1.subject.kind, 'individual');
  assert.equal(N1.subject.name, 'Phạm Thị Thu');
  assert.equal(N1.eligibility.verdict, 'eligible', JSON.stringify(N1.eligibility.report.summary));
  assert.ok(N1.eligibility.report.rules.some((x) => x.id === 'labor_medal_3_individual' && x.result === 'held'));
  assert.equal(N1.steps[0].action, 'propose');
  // The collective: the Minister's certificate has no encoded criteria: unknown, a person must check.
  r = await nominate(hanoi, { unit: 'SGDDT-HA-NOI', form: 'minister_certificate', candidate_year: 2027, summary: 'Sở dẫn đầu về học bạ số và văn bằng số.' });
  assert.equal(r.status, 201, r.text);
  N2 = r.body;
  assert.equal(N2.eligibility.verdict, 'unknown');
  r = await nominate(hcm, { unit: 'SGDDT-HO-CHI-MINH', form: 'government_emulation_flag', candidate_year: 2027, summary: 'Đề nghị Cờ thi đua của Chính phủ cho Sở.' });
  assert.equal(r.status, 201, r.text);
  N3 = r.body;
  assert.notEqual(N3.eligibility.verdict, 'eligible');
  // A unit admin sees its own nominations only.
  const l = await hcm.get(`/api/v1/campaigns/${CODE}/nominations`);
  assert.deepEqual(l.body.items.map((x) => x.id), [N3.id]);
  assert.equal((await hcm.get('/api/v1/nominations/' + N1.id)).status, 404);
  assert.equal((await admin.get(`/api/v1/campaigns/${CODE}/nominations?status=proposed`)).body.items.length, 3);
});

test('bad nominations are refused and change nothing', async () => {
  const ok = { unit: 'SGDDT-DA-NANG', form: 'minister_certificate', candidate_year: 2027, summary: 'Một đề nghị hợp lệ về nội dung.' };
  await bad(() => nominate(hanoi, ok), 403);
  await bad(() => nominate(teacher, ok), 403);
  await bad(() => nominate(hanoi, { ...N2.subject, unit: 'SGDDT-HA-NOI', form: 'minister_certificate', candidate_year: 2027, summary: 'Lần thứ hai cùng hình thức.' }), 400);
  await bad(() => nominate(hanoi, { unit: 'SGDDT-HA-NOI', form: 'minister_certificate', candidate_year: 2027, summary: 'Lần thứ hai cùng hình thức.' }), 409, /already nominated/);
  await bad(() => nominate(admin, { ...ok, form: 'golden_star' }), 400, /no reward form/);
  await bad(() => nominate(admin, { ...ok, summary: 'ngắn' }), 400);
  await bad(() => nominate(admin, { ...ok, candidate_year: 1990 }), 400);
  await bad(() => nominate(admin, { ...ok, person_id: person }), 400, /not of unit/);
  await bad(() => nominate(admin, { ...ok, colour: 'red' }), 400);
});

let B1;
test('only eligible or hand-confirmed nominations go to a ballot, opened by the chair', async () => {
  await bad(() => ballotOpen(chair, { round: 'HD', title: 'Phiếu bầu khen thưởng đợt 1', nominations: [N1.id, N2.id] }), 409, /unknown ones confirmed/);
  await bad(() => admin.post(`/api/v1/nominations/${N1.id}/check`, { confirm: true, note: 'Đã kiểm tra hồ sơ gốc' }), 409, /only an unknown verdict/);
  await bad(() => admin.post(`/api/v1/nominations/${N2.id}/check`, { confirm: true }), 400);
  await bad(() => hanoi.post(`/api/v1/nominations/${N2.id}/check`, { confirm: true, note: 'Tự xác nhận' }), 403);
  let r = await admin.post(`/api/v1/nominations/${N2.id}/check`, { confirm: true, note: 'Hội đồng đã đối chiếu Thông tư 29/2023' });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.eligibility.confirmed, true);
  await bad(() => ballotOpen(rv['rv.a'], { round: 'HD', title: 'Phiếu bầu', nominations: [N1.id] }), 403);
  await bad(() => ballotOpen(chair, { round: 'HD', title: 'Phiếu bầu', nominations: [N1.id, N1.id] }), 400, /twice/);
  await bad(() => ballotOpen(chair, { round: 'NOPE', title: 'Phiếu bầu', nominations: [N1.id] }), 404);
  r = await ballotOpen(chair, { round: 'HD', title: 'Phiếu bầu khen thưởng đợt 1', nominations: [N1.id, N2.id], minutes: 60 });
  assert.equal(r.status, 201, r.text);
  B1 = r.body;
  assert.equal(B1.members, 5);
  assert.equal(B1.secret, true);
  assert.equal(B1.items.length, 2);
  assert.ok(B1.items.every((i) => i.threshold === 90 && i.base === 'all' && i.yes === undefined));
  assert.equal((await admin.get('/api/v1/nominations/' + N1.id)).body.status, 'on_ballot');
  await bad(() => ballotOpen(chair, { round: 'HD', title: 'Lần nữa', nominations: [N1.id] }), 409, /on_ballot/);
});

test('council members vote once, secretly; bad ballots change nothing', async () => {
  const vote = (c, choices) => c.post(`/api/v1/ballots/${B1.id}/vote`, { choices });
  const both = (x, y) => [{ nomination: N1.id, choice: x }, { nomination: N2.id, choice: y }];
  await bad(() => vote(rv['rv.a'], [{ nomination: N1.id, choice: 'yes' }]), 400, /choose for each/);
  await bad(() => vote(rv['rv.a'], both('yes', 'maybe')), 400, /yes, no or abstain/);
  await bad(() => vote(rv['rv.a'], [{ nomination: N1.id, choice: 'yes' }, { nomination: N3.id, choice: 'yes' }]), 400, /not on this ballot/);
  await bad(() => vote(hanoi, both('yes', 'yes')), 403);
  await bad(() => vote(admin, both('yes', 'yes')), 403, /members of the council/);
  for (const [c, x, y] of [[chair, 'yes', 'yes'], [rv['rv.a'], 'yes', 'yes'], [rv['rv.b'], 'yes', 'no'], [rv['rv.c'], 'yes', 'yes']]) {
    const r = await vote(c, both(x, y));
    assert.equal(r.status, 200, r.text);
  }
  await bad(() => vote(rv['rv.a'], both('no', 'no')), 409, /already/);
  const g = await rv['rv.a'].get('/api/v1/ballots/' + B1.id);
  assert.equal(g.body.voted, 4);
  assert.equal(g.body.you_voted, true);
  assert.ok(g.body.items.every((i) => i.yes === undefined), 'tallies stay hidden while open');
  // The secret ballot stores no choice and logs none.
  assert.equal(dbExec(store, 'SELECT COUNT(*) FROM ballot_choices'), '0');
  assert.equal(dbExec(store, "SELECT COUNT(*) FROM audit_log WHERE action = 'ballot.vote' AND detail IS NOT NULL AND detail LIKE '%choice%'"), '0');
  // Not everyone has voted and the window is open: closing needs early: true.
  await bad(() => chair.post(`/api/v1/ballots/${B1.id}/close`), 409, /early/);
  await bad(() => rv['rv.a'].post(`/api/v1/ballots/${B1.id}/close`, { early: true }), 403);
  const r = await vote(rv['rv.d'], both('yes', 'abstain'));
  assert.equal(r.status, 200, r.text);
  const c = await chair.post(`/api/v1/ballots/${B1.id}/close`);
  assert.equal(c.status, 200, c.text);
  const items = Object.fromEntries(c.body.items.map((i) => [i.nomination_id, i]));
  assert.deepEqual([items[N1.id].yes, items[N1.id].no, items[N1.id].abstain, items[N1.id].passed], [5, 0, 0, true]);
  // 3 of 5 members: below 90% of all members.
  assert.deepEqual([items[N2.id].yes, items[N2.id].no, items[N2.id].abstain, items[N2.id].passed], [3, 1, 1, false]);
  assert.equal((await admin.get('/api/v1/nominations/' + N1.id)).body.status, 'passed');
  assert.equal((await admin.get('/api/v1/nominations/' + N2.id)).body.status, 'rejected');
  await bad(() => vote(rv['rv.a'], both('yes', 'yes')), 409, /closed/);
  await bad(() => chair.post(`/api/v1/ballots/${B1.id}/close`), 409, /closed already/);
});

test('50 concurrent voters (each also sending a duplicate) give the exact tally', async () => {
  // Three more nominations, confirmed by hand, on one ballot of the 51-member council.
  const ids = [];
  for (const unit of UNITS) {
    const c = unit === 'SGDDT-HO-CHI-MINH' ? hcm : unit === 'SGDDT-HA-NOI' ? hanoi : admin;
    const r = await nominate(c, { unit, form: 'unit_certificate', candidate_year: 2027, summary: `Đề nghị Giấy khen cho ${unit}.` });
    assert.equal(r.status, 201, r.text);
    const k = await admin.post(`/api/v1/nominations/${r.body.id}/check`, { confirm: true, note: 'Đã xét theo quy chế của đơn vị' });
    assert.equal(k.status, 200, k.text);
    ids.push(r.body.id);
  }
  const b = await ballotOpen(admin, { round: 'HD50', title: 'Phiếu bầu Giấy khen', nominations: ids, closes_at: inSeconds(600) });
  assert.equal(b.status, 201, b.text);
  const clients = await Promise.all(voterNames.map((u) => srv.login(u)));
  // Voter i: yes to ids[0]; yes to ids[1] unless i < 6; ids[2]: no for even i, yes for odd.
  const paper = (i) => ({ choices: [
    { nomination: ids[0], choice: 'yes' },
    { nomination: ids[1], choice: i < 6 ? 'no' : 'yes' },
    { nomination: ids[2], choice: i % 2 ? 'yes' : (i % 4 ? 'abstain' : 'no') },
  ] });
  const results = await Promise.all(clients.flatMap((c, i) => [
    c.post(`/api/v1/ballots/${b.body.id}/vote`, paper(i)),
    c.post(`/api/v1/ballots/${b.body.id}/vote`, paper(i)),
  ]));
  const codes = results.map((r) => r.status);
  assert.equal(codes.filter((s) => s === 200).length, VOTERS, codes.join());
  assert.equal(codes.filter((s) => s === 409).length, VOTERS, codes.join());
  const c = await admin.post(`/api/v1/ballots/${b.body.id}/close`, { early: true });
  assert.equal(c.status, 200, c.text);
  assert.equal(c.body.voted, VOTERS);
  assert.equal(c.body.closed_early, true);
  const t = Object.fromEntries(c.body.items.map((i) => [i.nomination_id, [i.yes, i.no, i.abstain, i.passed]]));
  // 51 members (the chair did not vote): 50 yes ≥ 90% passes; 44 yes < 45.9 fails.
  assert.deepEqual(t[ids[0]], [50, 0, 0, true]);
  assert.deepEqual(t[ids[1]], [44, 6, 0, false]);
  assert.deepEqual(t[ids[2]], [25, 13, 12, false]);
  assert.equal(dbExec(store, `SELECT COUNT(*) FROM ballot_voters WHERE ballot_id = ${b.body.id}`), String(VOTERS));
});

test('a vote after the window closed is refused', async () => {
  const r = await nominate(admin, { unit: 'SGDDT-DA-NANG', form: 'unit_certificate', candidate_year: 2028, summary: 'Giấy khen cho Sở Đà Nẵng.' });
  await admin.post(`/api/v1/nominations/${r.body.id}/check`, { confirm: true, note: 'Theo quy chế của đơn vị' });
  const b = await ballotOpen(admin, { round: 'HD', title: 'Phiếu bầu ngắn', nominations: [r.body.id], closes_at: inSeconds(2) });
  assert.equal(b.status, 201, b.text);
  await sleep(2500);
  await bad(() => rv['rv.a'].post(`/api/v1/ballots/${b.body.id}/vote`, { choices: [{ nomination: r.body.id, choice: 'yes' }] }), 409, /closed at/);
  // After the window, the chair counts without early.
  const c = await chair.post(`/api/v1/ballots/${b.body.id}/close`);
  assert.equal(c.status, 200, c.text);
  assert.equal(c.body.items[0].passed, false);
});

test('posted for public comment: anyone reads and comments while the window is open', async () => {
  await bad(() => admin.post(`/api/v1/nominations/${N2.id}/post`, { days: 10 }), 409, /rejected/);
  await bad(() => admin.post(`/api/v1/nominations/${N1.id}/post`, { days: 100 }), 400);
  await bad(() => hanoi.post(`/api/v1/nominations/${N1.id}/post`, { days: 5 }), 403);
  // A short window (longer on PostgreSQL, where each store check here takes a while).
  const r = await admin.post(`/api/v1/nominations/${N1.id}/post`, { until: inSeconds(store.db.startsWith('postgres') ? 20 : 3) });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.status, 'posted');
  const pub = await anon.get('/api/v1/public/nominations');
  assert.equal(pub.status, 200, pub.text);
  const mine = pub.body.items.find((x) => x.id === N1.id);
  assert.ok(mine && mine.posting.open, pub.text);
  assert.equal(mine.subject.name, 'Phạm Thị Thu');
  assert.equal(mine.eligibility, undefined, 'the public page shows no eligibility report');
  const c = await anon.post(`/api/v1/public/nominations/${N1.id}/comments`, { name: 'Nguyễn Văn Bình', contact: 'binh@example.vn', text: 'Tôi xác nhận cô Thu đã triển khai học bạ số toàn Sở.' });
  assert.equal(c.status, 201, c.text);
  await bad(() => anon.post(`/api/v1/public/nominations/${N1.id}/comments`, { name: 'X', text: 'ngắn' }), 400);
  await bad(() => anon.post(`/api/v1/public/nominations/${N2.id}/comments`, { name: 'Ai đó', text: 'Góp ý cho hồ sơ không công khai.' }), 404);
  await bad(() => admin.post(`/api/v1/nominations/${N1.id}/submit`), 409, /open until/);
  const list = await admin.get(`/api/v1/nominations/${N1.id}/comments`);
  assert.equal(list.body.items[0].contact, 'binh@example.vn');
  assert.equal((await hanoi.get(`/api/v1/nominations/${N1.id}/comments`)).status, 403);
  await sleep(Date.parse(r.body.posting.until) - Date.now() + 1200);
  await bad(() => anon.post(`/api/v1/public/nominations/${N1.id}/comments`, { name: 'Trễ hạn', text: 'Góp ý sau khi hết hạn.' }), 409, /closed/);
  const s = await admin.post(`/api/v1/nominations/${N1.id}/submit`);
  assert.equal(s.status, 200, s.text);
  assert.equal(s.body.status, 'submitted');
});

let CRED;
test('the decision issues an award credential that verifies; the award joins the history', async () => {
  const dec = { number: '1234/QĐ-CTN', date: '2026-11-20', issuer: 'Chủ tịch nước' };
  await bad(() => admin.post(`/api/v1/nominations/${N1.id}/decide`, { ...dec, date: '2026-13-01' }), 400);
  await bad(() => admin.post(`/api/v1/nominations/${N1.id}/decide`, { ...dec, number: '' }), 400);
  await bad(() => hanoi.post(`/api/v1/nominations/${N1.id}/decide`, dec), 403);
  await bad(() => admin.post(`/api/v1/nominations/${N3.id}/decide`, dec), 409);
  const r = await admin.post(`/api/v1/nominations/${N1.id}/decide`, dec);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.status, 'decided');
  assert.deepEqual(r.body.decision, dec);
  CRED = r.body.credential;
  assert.match(CRED, /^urn:uuid:/);
  const v = await anon.post('/api/v1/verify', (await admin.get('/api/v1/credentials/' + encodeURIComponent(CRED))).body.document);
  assert.equal(v.status, 200, v.text);
  assert.equal(v.body.verified, true, v.text);
  const h = await admin.get(`/api/v1/awards/history?unit=SGDDT-HA-NOI&person=${person}`);
  assert.ok(h.body.awards.some((a) => a.form === 'labor_medal_3' && a.source === `nomination:${N1.id}` && !a.annulled), h.text);
  assert.deepEqual(r.body.steps.map((s) => s.action),
    ['propose', 'ballot.open', 'ballot.passed', 'post', 'submit', 'decide', 'credential']);
  await bad(() => admin.post(`/api/v1/nominations/${N1.id}/decide`, dec), 409);
});

test('the dossier: one PDF and a ZIP of the evidence with its checksums', async () => {
  // Give the unit a report with evidence so the dossier has files.
  const up = await hanoi.post(`/api/v1/evidence?unit=SGDDT-HA-NOI&name=${encodeURIComponent('Báo cáo năm.pdf')}`, PDF, { 'content-type': 'application/pdf' });
  assert.equal(up.status, 201, up.text);
  const url = `/api/v1/campaigns/${CODE}/registrations/SGDDT-HA-NOI/reports/2026`;
  let r = await hanoi.req('PUT', url, { values: [{ indicator: 'BD-NLS', value: 70, evidence: [sha(PDF)] }, { indicator: 'HS-TT', value: 85, evidence: [sha(PDF)] }] });
  assert.equal(r.status, 200, r.text);
  r = await hanoi.post(url + '/submit');
  assert.equal(r.status, 200, r.text);
  const pdf = await fetch(srv.base + `/api/v1/nominations/${N1.id}/dossier.pdf`, { headers: { cookie: hanoi.cookie } });
  assert.equal(pdf.status, 200);
  assert.equal(pdf.headers.get('content-type'), 'application/pdf');
  const bytes = Buffer.from(await pdf.arrayBuffer());
  assert.equal(bytes.subarray(0, 5).toString(), '%PDF-');
  const file = path.join(store.dir, 'dossier.pdf');
  writeFileSync(file, bytes);
  const text = spawnSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' }).stdout;
  for (const want of ['Hồ sơ đề nghị khen thưởng', 'Phạm Thị Thu', 'Huân chương Lao động hạng Ba', 'Biên bản bỏ phiếu', '1234/QĐ-CTN', 'Nguyễn Văn Bình', 'BD-NLS', sha(PDF).slice(0, 16)])
    assert.ok(text.includes(want), `the PDF lacks ${want}`);
  const zip = await fetch(srv.base + `/api/v1/nominations/${N1.id}/evidence.zip`, { headers: { cookie: admin.cookie } });
  assert.equal(zip.status, 200);
  const zfile = path.join(store.dir, 'evidence.zip');
  writeFileSync(zfile, Buffer.from(await zip.arrayBuffer()));
  const list = spawnSync('unzip', ['-Z1', zfile], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean);
  assert.ok(list.includes('SHA256SUMS'), list.join());
  assert.ok(list.some((n) => n.startsWith('reports/2026/BD-NLS/') && n.endsWith('Báo cáo năm.pdf')), list.join());
  const sums = spawnSync('unzip', ['-p', zfile, 'SHA256SUMS'], { encoding: 'utf8' }).stdout;
  assert.ok(sums.includes(sha(PDF)), sums);
  const inside = spawnSync('unzip', ['-p', zfile, list.find((n) => n.startsWith('reports/2026/BD-NLS/'))]).stdout;
  assert.equal(sha(inside), sha(PDF));
  assert.equal((await hcm.get(`/api/v1/nominations/${N1.id}/dossier.pdf`)).status, 404);
});

test('annulment revokes the credential and takes the award out of the history', async () => {
  await bad(() => admin.post(`/api/v1/nominations/${N1.id}/annul`, {}), 400);
  await bad(() => hanoi.post(`/api/v1/nominations/${N1.id}/annul`, { reason: 'Hồ sơ khai không đúng' }), 403);
  await bad(() => admin.post(`/api/v1/nominations/${N3.id}/annul`, { reason: 'Hồ sơ khai không đúng' }), 409);
  const r = await admin.post(`/api/v1/nominations/${N1.id}/annul`, { reason: 'Kê khai thành tích không trung thực (thanh tra 2027)' });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.status, 'annulled');
  assert.match(r.body.annulment.reason, /không trung thực/);
  const c = await admin.get('/api/v1/credentials/' + encodeURIComponent(CRED));
  assert.equal(c.body.status, 'revoked', c.text);
  const h = await admin.get(`/api/v1/awards/history?unit=SGDDT-HA-NOI&person=${person}`);
  assert.ok(h.body.awards.find((a) => a.form === 'labor_medal_3').annulled);
});

test('withdrawal and the order of steps', async () => {
  await bad(() => hanoi.post(`/api/v1/nominations/${N1.id}/withdraw`), 409);
  await bad(() => hanoi.post(`/api/v1/nominations/${N3.id}/withdraw`), 404);
  const r = await hcm.post(`/api/v1/nominations/${N3.id}/withdraw`);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.status, 'withdrawn');
  // Withdrawn, it may be proposed again.
  const again = await nominate(hcm, { unit: 'SGDDT-HO-CHI-MINH', form: 'government_emulation_flag', candidate_year: 2027, summary: 'Đề nghị lại sau khi bổ sung hồ sơ.' });
  assert.equal(again.status, 201, again.text);
  // Every step wrote one audit record.
  assert.ok(Number(dbExec(store, "SELECT COUNT(*) FROM audit_log WHERE target LIKE 'nomination:%' OR target LIKE 'ballot:%'")) > 20);
});

const failed = await run(SUITE);
await srv.stop();
store.cleanup();
process.exit(failed ? 1 : 0);
