// The review suite: rounds and councils, balanced assignment without conflicts of interest,
// recusal, scorecards (drafts, one submission, the scale), fair aggregation of the results,
// bad input and roles. Runs on SQLite, and on PostgreSQL when EDX_TEST_PG is set.
import { readFileSync } from 'node:fs';
import { test, assert, run } from '../lib/harness.mjs';
import { seededStore, Server, cli, dbExec, snapshot, PASSWORD } from '../lib/server.mjs';

const SUITE = process.env.EDX_SUITE_NAME || 'review';
const store = seededStore();
// Reviewers: two of them work in Hà Nội (a conflict with the Hà Nội Department), one at the Ministry.
for (const [u, unit] of [['rv.a', 'BGDDT-VP'], ['rv.b', 'SGDDT-HA-NOI'], ['rv.c', 'THPT-CVA'], ['rv.d', 'DHQGHCM'], ['rv.e', 'BGDDT']]) {
  const r = cli(store, ['user', 'add', u, '--role', 'reviewer', '--unit', unit], PASSWORD + '\n');
  if (r.status !== 0) throw new Error(r.stderr);
}
const srv = await new Server(store).start();
const admin = await srv.login('admin');
const hanoi = await srv.login('hanoi.admin');
const chair = await srv.login('reviewer');
const rv = {};
for (const u of ['rv.a', 'rv.b', 'rv.c', 'rv.d', 'rv.e']) rv[u] = await srv.login(u);

const SEED = JSON.parse(readFileSync(new URL('../../data/movement/campaign-2025-2030.json', import.meta.url), 'utf8'));
const CODE = SEED.code;
const UNITS = ['SGDDT-HA-NOI', 'SGDDT-HO-CHI-MINH', 'SGDDT-DA-NANG', 'SGDDT-HUE', 'SGDDT-CAN-THO', 'DHQGHN'];
const state = () => snapshot(store) + '|' + dbExec(store,
  "SELECT (SELECT COUNT(*) FROM review_rounds) || ':' || (SELECT COUNT(*) FROM review_assignments) || ':' || " +
  "(SELECT COUNT(*) FROM scorecards) || ':' || (SELECT COUNT(*) FROM scorecards WHERE status = 'submitted')");
const unchanged = async (fn) => {
  const before = state();
  const r = await fn();
  assert.equal(state(), before, 'the store changed');
  return r;
};
const members = (names, chairName = 'reviewer') => [{ username: chairName, role: 'chair' }, ...names.map((username) => ({ username, role: 'member' }))];
const ALL = ['rv.a', 'rv.b', 'rv.c', 'rv.d', 'rv.e'];
const round = (body) => admin.post(`/api/v1/campaigns/${CODE}/rounds`, body);
const card = (c, entry, body) => c.req('PUT', `/api/v1/reviews/${entry}/scorecard`, body);
const full = (x) => ({ effectiveness: x, creativity: x, replicability: x, practical_impact: x });

test('setup: the campaign and six registered units', async () => {
  assert.equal((await admin.post('/api/v1/campaigns', SEED)).status, 201);
  for (const unit of UNITS)
    assert.equal((await admin.post(`/api/v1/campaigns/${CODE}/registrations`, { unit })).status, 201);
});

let R1;
test('a round assigns every entry to three reviewers, evenly, never in conflict', async () => {
  const r = await round({ code: 'V1', name: 'Vòng chấm điểm 2027', stage: 'scoring', members: members(ALL) });
  assert.equal(r.status, 201, r.text);
  R1 = r.body;
  assert.equal(R1.entries.length, 6);
  for (const e of R1.entries) assert.equal(e.reviewers, 3, e.unit);
  // 18 assignments over 6 members: 3 each.
  const loads = R1.members.map((m) => m.assigned);
  assert.equal(loads.reduce((a, b) => a + b, 0), 18);
  assert.ok(Math.max(...loads) - Math.min(...loads) <= 1, loads.join());
  // Nobody of Hà Nội reviews the Hà Nội Department (rv.b works there, rv.c at a school under it).
  const hn = R1.entries.find((e) => e.unit === 'SGDDT-HA-NOI').entry;
  const who = dbExec(store, `SELECT x.username FROM review_assignments s JOIN users x ON x.id = s.user_id WHERE s.entry_id = ${hn} ORDER BY 1`).split('\n');
  assert.ok(!who.includes('rv.b') && !who.includes('rv.c'), who.join());
  // rv.d works at the HCMC National University: not in conflict with these Departments.
  assert.equal(dbExec(store, "SELECT COUNT(*) FROM review_assignments s JOIN users x ON x.id = s.user_id JOIN round_entries e ON e.id = s.entry_id " +
    "JOIN campaign_registrations g ON g.id = e.registration_id JOIN units u ON u.id = g.unit_id WHERE x.username = 'rv.b' AND u.code = 'SGDDT-HA-NOI'"), '0');
});

test('a round that cannot be assigned fairly, or is malformed, is refused whole', async () => {
  const cases = [
    [{ code: 'X', name: 'Vòng X', stage: 'scoring', members: members(['rv.a']) }, 400, /3 to/],
    [{ code: 'X', name: 'Vòng X', stage: 'scoring', members: ALL.map((username) => ({ username, role: 'member' })) }, 400, /one chair/],
    [{ code: 'X', name: 'Vòng X', stage: 'scoring', members: members(['rv.a', 'hanoi.admin', 'rv.d']) }, 400, /not an active reviewer/],
    [{ code: 'X', name: 'Vòng X', stage: 'scoring', members: members(['rv.a', 'rv.a', 'rv.d']) }, 400, /twice/],
    [{ code: 'X', name: 'Vòng X', stage: 'voting', members: members(ALL) }, 400, /stage/],
    [{ code: 'X', name: 'Vòng X', stage: 'scoring', reviewers_per_entry: 2, members: members(ALL) }, 400, /3 to 15/],
    [{ code: 'X', name: 'Vòng X', stage: 'scoring', members: members(ALL), entries: ['THPT-CVA'] }, 400, /registered/],
    [{ code: 'V1', name: 'Vòng X', stage: 'scoring', members: members(ALL) }, 409, /exists/],
    // Hà Nội with a council of Hà Nội people: too few free of conflict.
    [{ code: 'X', name: 'Vòng X', stage: 'scoring', members: members(['rv.b', 'rv.c', 'rv.a'], 'rv.d'), reviewers_per_entry: 4, entries: ['SGDDT-HA-NOI'] }, 409, /free of conflict/],
  ];
  for (const [body, status, re] of cases) {
    const r = await unchanged(() => round(body));
    assert.equal(r.status, status, r.text);
    assert.match(r.body.error.message, re, r.text);
  }
  assert.equal((await unchanged(() => hanoi.post(`/api/v1/campaigns/${CODE}/rounds`, { code: 'X' }))).status, 403);
});

let mine;
test('a reviewer sees its queue and the entry beside the rubric', async () => {
  const q = await rv['rv.a'].get('/api/v1/reviews');
  assert.equal(q.status, 200, q.text);
  mine = q.body.assignments;
  assert.equal(mine.length, 3);
  assert.ok(mine.every((a) => a.round === 'V1' && a.assignment === 'assigned' && a.scorecard === null && a.unit));
  const e = await rv['rv.a'].get('/api/v1/reviews/' + mine[0].entry);
  assert.equal(e.status, 200, e.text);
  assert.deepEqual(e.body.criteria.map((c) => c.code), ['effectiveness', 'creativity', 'replicability', 'practical_impact']);
  assert.equal(e.body.scale.max, 10);
  assert.ok(e.body.criteria[0].levels.length >= 2);
  // Someone else's entry is not theirs to see.
  const other = R1.entries.map((x) => x.entry).find((id) => !mine.some((m) => m.entry === id));
  assert.equal((await rv['rv.a'].get('/api/v1/reviews/' + other)).status, 403);
  assert.equal((await hanoi.get('/api/v1/reviews/' + mine[0].entry)).status, 403);
});

test('the entry shows the unit\'s submitted report values with their evidence files', async () => {
  const pdf = '%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n';
  const up = await hanoi.req('POST', '/api/v1/evidence?unit=SGDDT-HA-NOI&name=bc.pdf', pdf, { 'content-type': 'application/pdf' });
  assert.equal(up.status, 201, up.text);
  const rep = `/api/v1/campaigns/${CODE}/registrations/SGDDT-HA-NOI/reports/2026-S1`;
  assert.equal((await hanoi.req('PUT', rep, { values: [{ indicator: 'BD-NLS', value: 55, note: 'Tổng hợp', evidence: [up.body.sha256] }] })).status, 200);
  assert.equal((await hanoi.post(rep + '/submit')).status, 200);
  const hn = R1.entries.find((e) => e.unit === 'SGDDT-HA-NOI').entry;
  let seen = 0;
  for (const c of [...Object.values(rv), chair]) {
    const e = await c.get('/api/v1/reviews/' + hn);
    if (e.status !== 200) continue;
    seen++;
    const r = e.body.reports.find((x) => x.period === '2026-S1');
    assert.ok(r, e.text);
    const v = r.values.find((x) => x.indicator === 'BD-NLS');
    assert.deepEqual([v.value, v.note, v.evidence], [55, 'Tổng hợp', [up.body.sha256]]);
    assert.ok(r.values.some((x) => x.computed), 'computed indicators too');
    assert.equal((await c.get('/api/v1/evidence/' + up.body.sha256)).status, 200, 'the reviewer may download it');
  }
  assert.equal(seen, 3);
});

test('scorecards: drafts, the scale, every criterion to submit, and once only', async () => {
  const c = rv['rv.a'];
  const id = mine[0].entry;
  const bad = [
    [{ scores: { effectiveness: 11 } }, 400, /from 0 to 10/],
    [{ scores: { effectiveness: -1 } }, 400, /from 0 to 10/],
    [{ scores: { beauty: 5 } }, 400, /no criterion beauty/],
    [{ scores: { effectiveness: '7' } }, 400, /from 0 to 10/],
    [{ scores: { effectiveness: 7 }, submit: true }, 400, /not scored yet/],
    [{ scores: full(7), extra: 1 }, 400, /extra/],
    [{ scores: [] }, 400, /object/],
  ];
  for (const [body, status, re] of bad) {
    const r = await unchanged(() => card(c, id, body));
    assert.equal(r.status, status, r.text);
    assert.match(r.body.error.message, re, r.text);
  }
  let r = await card(c, id, { scores: { effectiveness: 7 }, comment: 'Đang xem minh chứng' });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.scorecard.status, 'draft');
  r = await card(c, id, { scores: full(8), comment: 'Tốt', submit: true });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.scorecard.status, 'submitted');
  const twice = await unchanged(() => card(c, id, { scores: full(9), submit: true }));
  assert.equal(twice.status, 409);
  assert.equal(twice.body.error.code, 'already_submitted');
  const notMine = R1.entries.map((x) => x.entry).find((e) => !mine.some((m) => m.entry === e));
  assert.equal((await unchanged(() => card(c, notMine, { scores: full(5) }))).status, 403);
});

test('a reviewer recuses itself with a reason and a free member takes its place', async () => {
  const c = rv['rv.a'];
  const id = mine[1].entry;
  assert.equal((await unchanged(() => c.post(`/api/v1/reviews/${id}/recusal`, { reason: 'x' }))).status, 400);
  assert.equal((await unchanged(() => c.post(`/api/v1/reviews/${mine[0].entry}/recusal`, { reason: 'Đã chấm rồi' }))).status, 409);
  const r = await c.post(`/api/v1/reviews/${id}/recusal`, { reason: 'Tôi từng công tác tại đơn vị này' });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.assignments.find((a) => a.entry === id).assignment, 'recused');
  assert.equal(dbExec(store, `SELECT COUNT(*) FROM review_assignments WHERE entry_id = ${id} AND status = 'assigned'`), '3');
  assert.equal(dbExec(store, `SELECT recuse_reason FROM review_assignments s JOIN users x ON x.id = s.user_id WHERE entry_id = ${id} AND x.username = 'rv.a'`),
    'Tôi từng công tác tại đơn vị này');
  assert.equal((await unchanged(() => card(c, id, { scores: full(5) }))).status, 403);
});

test('results show the four aggregations side by side, by group, with reviewer offsets', async () => {
  // Everyone submits what is left: scores by reviewer so that rv.d is harsh and rv.e lenient.
  const bias = { 'rv.a': 0, 'rv.b': 0, 'rv.c': 0, 'rv.d': -2, 'rv.e': 2, reviewer: 0 };
  const base = Object.fromEntries(UNITS.map((u, i) => [u, 4 + i]));
  const ids = Object.fromEntries(R1.entries.map((e) => [e.entry, e.unit]));
  for (const [name, c] of [...Object.entries(rv), ['reviewer', chair]]) {
    const q = await c.get('/api/v1/reviews');
    for (const a of q.body.assignments.filter((x) => x.assignment === 'assigned' && x.scorecard !== 'submitted')) {
      const x = Math.max(0, Math.min(10, base[ids[a.entry]] + bias[name]));
      const r = await card(c, a.entry, { scores: full(x), submit: true });
      assert.equal(r.status, 200, `${name}: ${r.text}`);
    }
  }
  const res = await chair.get(`/api/v1/campaigns/${CODE}/rounds/V1/results?group=type`);
  assert.equal(res.status, 200, res.text);
  assert.equal(res.body.entries.length, 6);
  for (const e of res.body.entries) {
    for (const m of ['mean', 'trimmed', 'zscore', 'model']) {
      assert.ok(Number.isFinite(e[m].score) && Number.isFinite(e[m].se), `${e.unit} ${m}`);
      assert.ok(e[m].rank >= 1 && e[m].rank <= 6);
    }
    assert.equal(e.reviews, 3);
  }
  // The model sees through the harsh and the lenient reviewer: its ranking follows the truth.
  const byModel = [...res.body.entries].sort((a, b) => a.model.rank - b.model.rank).map((e) => e.unit);
  assert.deepEqual(byModel, [...UNITS].reverse());
  const offsets = Object.fromEntries(res.body.reviewers.map((r) => [r.username, r.offset]));
  assert.ok(offsets['rv.d'] < 0 && offsets['rv.e'] > 0, JSON.stringify(offsets));
  // The university is alone in its group.
  assert.equal(res.body.entries.find((e) => e.unit === 'DHQGHN').mean.group_rank, 1);
  // Hand-checkable: the mean of an entry is the mean of its submitted weighted scores.
  const hn = res.body.entries.find((e) => e.unit === 'SGDDT-HA-NOI');
  const raw = dbExec(store, `SELECT scores FROM scorecards WHERE entry_id = ${hn.entry} AND status = 'submitted'`).split('\n').map((t) => JSON.parse(t).effectiveness);
  assert.equal(hn.mean.score, Math.round(1000 * raw.reduce((a, b) => a + b, 0) / raw.length) / 1000);
  assert.equal((await rv['rv.a'].get(`/api/v1/campaigns/${CODE}/rounds/V1/results`)).status, 403);
  assert.equal((await admin.get(`/api/v1/campaigns/${CODE}/rounds/V1/results?group=colour`)).status, 400);
});

test('a closed round takes no more scorecards', async () => {
  const r = await chair.post(`/api/v1/campaigns/${CODE}/rounds/V1/close`);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.status, 'closed');
  const b = await round({ code: 'V2', name: 'Vòng 2', stage: 'final', blind: true, members: members(ALL), entries: ['SGDDT-HUE', 'DHQGHN'] });
  assert.equal(b.status, 201, b.text);
  const q = await rv['rv.e'].get('/api/v1/reviews');
  assert.ok(q.body.assignments.every((a) => a.round === 'V2'));
  assert.ok(q.body.assignments.every((a) => a.unit === null), 'a blind round shows no unit');
  const e = await rv['rv.e'].get('/api/v1/reviews/' + q.body.assignments[0].entry);
  assert.equal(e.body.unit, null);
  const closedEntry = R1.entries[0].entry;
  const anyone = Object.values(rv);
  let refused = 0;
  for (const c of anyone) {
    const x = await card(c, closedEntry, { scores: full(5) });
    if (x.status === 409) refused++;
  }
  assert.ok(refused >= 1);
});

test('the dashboard shows coverage, reports, initiatives and review progress in scope', async () => {
  const d = await admin.get(`/api/v1/campaigns/${CODE}/dashboard`);
  assert.equal(d.status, 200, d.text);
  assert.equal(d.body.registered, 6);
  assert.ok(d.body.eligible >= 6);
  assert.deepEqual(d.body.rounds.map((r) => [r.code, r.status, r.entries]), [['V1', 'closed', 6], ['V2', 'open', 2]]);
  assert.equal(d.body.rounds[0].submitted, 18);
  assert.deepEqual(d.body.initiatives, { submitted: 0, recognised: 0, adoptions_elsewhere: 0 });
  const h = await hanoi.get(`/api/v1/campaigns/${CODE}/dashboard`);
  assert.equal(h.status, 200, h.text);
  assert.equal(h.body.registered, 1);
  assert.deepEqual(h.body.rounds, []);
  assert.equal((await rv['rv.a'].get(`/api/v1/campaigns/${CODE}/dashboard`)).status, 403);
  // A kept answer never outlives a write: a new registration shows at once.
  assert.equal((await admin.post(`/api/v1/campaigns/${CODE}/registrations`, { unit: 'SGDDT-LAI-CHAU' })).status, 201);
  const again = await admin.get(`/api/v1/campaigns/${CODE}/dashboard`);
  assert.equal(again.body.registered, 7);
  assert.equal(again.body.by_type.find((t) => t.type === 'doet').registered, 6);
});

test('reward rules are data, and a history is checked against them with reasons', async () => {
  const rules = await chair.get('/api/v1/awards/rules');
  assert.equal(rules.status, 200);
  assert.ok(rules.body.forms.some((f) => f.code === 'labor_medal_3'));
  const medal = (excellent) => ({
    form: 'labor_medal_3', candidate_year: 2025, as_of: '2025-11-01',
    history: {
      subject: { kind: 'individual', name: 'Lê Văn Cường' },
      awards: [{ form: 'pm_certificate', year: 2018, decision: '1234/QĐ-TTg', decision_date: '2018-09-05', issuer: 'Thủ tướng Chính phủ', type: 'regular' },
        { form: 'grassroots_emulation_fighter', year: 2019 }, { form: 'grassroots_emulation_fighter', year: 2021 },
        { form: 'grassroots_emulation_fighter', year: 2023 }],
      ratings: [2019, 2020, 2021, 2022, 2023, 2024, 2025].map((year) => ({ year, level: year === 2021 ? excellent : 'Hoàn thành tốt nhiệm vụ' })),
    },
  });
  let r = await admin.post('/api/v1/awards/eligibility', medal('Hoàn thành xuất sắc nhiệm vụ'));
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.verdict, 'eligible');
  const route = r.body.rules.find((x) => x.id === 'labor_medal_3_individual');
  assert.equal(route.result, 'held');
  assert.ok(route.citations.length >= 1);
  r = await admin.post('/api/v1/awards/eligibility', medal('good'));
  assert.notEqual(r.body.verdict, 'eligible');
  assert.match(JSON.stringify(r.body), /excellent|xuất sắc/);
  const bad = await admin.post('/api/v1/awards/eligibility', { ...medal('good'), form: 'golden_star' });
  assert.equal(bad.status, 400, bad.text);
  const badHistory = await admin.post('/api/v1/awards/eligibility', { ...medal('good'), history: { awards: [{ form: 'nope', year: 2020 }] } });
  assert.equal(badHistory.status, 400, badHistory.text);
});

test('every review write is audited and the chain still verifies', async () => {
  const n = Number(dbExec(store, "SELECT COUNT(*) FROM audit_log WHERE action LIKE 'review.%' OR action LIKE 'round.%'"));
  assert.ok(n >= 20, String(n));
  const r = cli(store, ['audit', 'verify']);
  assert.equal(r.status, 0, r.stdout + r.stderr);
});

const failed = await run(SUITE);
await srv.stop();
store.cleanup();
process.exit(failed ? 1 : 0);
