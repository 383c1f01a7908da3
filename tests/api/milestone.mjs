// The 2027/2030 reviews: pledges against reported and computed values per unit, province and
// type, initiatives and adoptions, the closed round's scores and ranks, scope, bad input, and
// the exports (CSV, XLSX, PDF, SVG charts). Every figure is built through the API first.
// Runs on SQLite, and on PostgreSQL when EDX_TEST_PG is set.
import { readFileSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { test, assert, run } from '../lib/harness.mjs';
import { seededStore, Server, cli, PASSWORD } from '../lib/server.mjs';

const SUITE = process.env.EDX_SUITE_NAME || 'milestone';
const store = seededStore();
for (const [u, unit] of [['rv.a', 'BGDDT-VP'], ['rv.d', 'DHQGHCM'], ['rv.e', 'BGDDT']]) {
  const r = cli(store, ['user', 'add', u, '--role', 'reviewer', '--unit', unit], PASSWORD + '\n');
  if (r.status !== 0) throw new Error(r.stderr);
}
const srv = await new Server(store).start();
const admin = await srv.login('admin');
const hanoi = await srv.login('hanoi.admin');
const hcm = await srv.login('hcm.admin');
const teacher = await srv.login('teacher');
const chair = await srv.login('reviewer');
const rv = {};
for (const u of ['rv.a', 'rv.d', 'rv.e']) rv[u] = await srv.login(u);

const SEED = JSON.parse(readFileSync(new URL('../../data/movement/campaign-2025-2030.json', import.meta.url), 'utf8'));
const CODE = SEED.code;
const REVIEW = (ms, q = '') => `/api/v1/campaigns/${CODE}/reviews/${ms}${q}`;
const put = (c, url, body) => c.req('PUT', url, body);
const reportUrl = (unit, period) => `/api/v1/campaigns/${CODE}/registrations/${unit}/reports/${period}`;
const sha = (b) => createHash('sha256').update(b).digest('hex');
const pdfFile = (tag) => Buffer.from(`%PDF-1.4\n% ${tag}\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n`);
const upload = (c, unit, name, bytes) =>
  c.post(`/api/v1/evidence?unit=${unit}&name=${encodeURIComponent(name)}`, bytes, { 'content-type': 'application/pdf' });
const tmp = mkdtempSync(path.join(os.tmpdir(), 'edx-milestone-'));
// Raw bytes of a download, with the client's session.
const bytes = async (c, url) => {
  const res = await fetch(c.base + url, { headers: c.cookie ? { cookie: c.cookie } : {} });
  return { status: res.status, headers: res.headers, body: Buffer.from(await res.arrayBuffer()) };
};
// RFC 4180: quoted fields with "" and line breaks inside.
const parseCsv = (text) => {
  const rows = [];
  let row = [], field = '', i = 0, quoted = false;
  while (i < text.length) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') { field += '"'; i += 2; continue; }
      if (ch === '"') { quoted = false; i++; continue; }
      field += ch; i++; continue;
    }
    if (ch === '"') { quoted = true; i++; continue; }
    if (ch === ',') { row.push(field); field = ''; i++; continue; }
    if (ch === '\r' && text[i + 1] === '\n') { row.push(field); rows.push(row); row = []; field = ''; i += 2; continue; }
    if (ch === '\n') throw new Error('a bare LF at ' + i);
    field += ch; i++;
  }
  if (field || row.length) { row.push(field); rows.push(row); }
  return rows;
};
const csvObjects = (text) => {
  const [head, ...rows] = parseCsv(text);
  for (const r of rows) assert.equal(r.length, head.length, 'a row of another width');
  return rows.map((r) => Object.fromEntries(head.map((h, k) => [h, r[k]])));
};
// Well-formed XML, parsed by Python's expat (no DTD, no entities beyond the five).
const xmlCheck = (svg) => {
  const p = spawnSync('python3', ['-c', [
    'import sys, xml.etree.ElementTree as E',
    'r = E.fromstring(sys.stdin.buffer.read())',
    'ns = "{http://www.w3.org/2000/svg}"',
    'assert r.tag == ns + "svg", r.tag',
    'assert r.find(ns + "title") is not None and r.find(ns + "title").text',
    'assert not list(r.iter(ns + "script")) and not list(r.iter("script"))',
    'print(len(list(r.iter(ns + "title"))))',
  ].join('\n')], { input: svg });
  assert.equal(p.status, 0, p.stderr.toString());
  return Number(p.stdout.toString().trim());
};

test('setup: the campaign, registrations and pledges', async () => {
  assert.equal((await admin.post('/api/v1/campaigns', SEED)).status, 201);
  for (const [c, unit] of [[hanoi, 'SGDDT-HA-NOI'], [hanoi, 'CD-NGHE-HN'], [hcm, 'SGDDT-HO-CHI-MINH'], [admin, 'DHQGHN'], [admin, 'SGDDT-HUE']]) {
    const r = await c.post(`/api/v1/campaigns/${CODE}/registrations`, { unit });
    assert.equal(r.status, 201, r.text);
  }
  let r = await put(hanoi, `/api/v1/campaigns/${CODE}/registrations/SGDDT-HA-NOI/pledges`, { pledges: [
    { indicator: 'BD-NLS', phase: 'GD1', target: 60 },
    { indicator: 'HS-TT', phase: 'GD1', target: 80 },
    { indicator: 'TT-LD', phase: 'GD1', target: 4 },
    { indicator: 'SK-CN', phase: 'GD1', target: 2 },
    { indicator: 'BD-NLS', phase: 'GD2', target: 90 },
  ] });
  assert.equal(r.status, 200, r.text);
  r = await put(hcm, `/api/v1/campaigns/${CODE}/registrations/SGDDT-HO-CHI-MINH/pledges`, { pledges: [
    { indicator: 'BD-NLS', phase: 'GD1', target: 50 },
    { indicator: 'HS-TT', phase: 'GD1', target: 90 },
  ] });
  assert.equal(r.status, 200, r.text);
});

// Submit a report of `values` ({indicator: value}) with one evidence file; then accept/return.
const report = async (c, unit, period, values, then) => {
  const doc = pdfFile(`${unit} ${period}`);
  assert.equal((await upload(c, unit, `bao-cao-${period}.pdf`, doc)).status, 201);
  let r = await put(c, reportUrl(unit, period), {
    values: Object.entries(values).map(([indicator, value]) => ({ indicator, value, evidence: [sha(doc)] })),
  });
  assert.equal(r.status, 200, r.text);
  r = await c.post(reportUrl(unit, period) + '/submit');
  assert.equal(r.status, 200, r.text);
  if (then === 'accept') r = await admin.post(reportUrl(unit, period) + '/accept');
  if (then === 'return') r = await admin.post(reportUrl(unit, period) + '/return', { comment: 'Thiếu minh chứng' });
  assert.equal(r.status, 200, r.text);
};

test('setup: an initiative recognised and adopted, reports accepted, submitted and returned', async () => {
  const ev = pdfFile('sang kien');
  assert.equal((await upload(hanoi, 'SGDDT-HA-NOI', 'sang-kien.pdf', ev)).status, 201);
  let r = await hanoi.post('/api/v1/initiatives', {
    unit: 'SGDDT-HA-NOI', title: 'Sổ điểm điện tử liên thông', problem: 'Sổ điểm giấy khó tổng hợp.',
    solution: 'Sổ điểm điện tử nối với học bạ số.', results: 'Toàn bộ trường THPT của Hà Nội dùng.',
    evidence: [sha(ev)],
  });
  assert.equal(r.status, 201, r.text);
  const id = r.body.id;
  r = await admin.post(`/api/v1/initiatives/${id}/recognition`,
    { body: 'Bộ GDĐT', decision_number: '12/QĐ-BGDĐT', decision_date: '2026-03-01', scope: 'ministry' });
  assert.equal(r.status, 200, r.text);
  const hev = pdfFile('ap dung');
  assert.equal((await upload(hcm, 'SGDDT-HO-CHI-MINH', 'ap-dung.pdf', hev)).status, 201);
  r = await hcm.post(`/api/v1/initiatives/${id}/adoptions`, { unit: 'SGDDT-HO-CHI-MINH', adopted_on: '2026-04-01', evidence: [sha(hev)] });
  assert.equal(r.status, 201, r.text);
  // Hà Nội: 2025 accepted, 2026-S1 accepted, 2026-S2 submitted (not yet accepted).
  await report(hanoi, 'SGDDT-HA-NOI', '2025', { 'BD-NLS': 40, 'HS-TT': 70, 'TT-LD': 2 }, 'accept');
  await report(hanoi, 'SGDDT-HA-NOI', '2026-S1', { 'BD-NLS': 66, 'HS-TT': 75 }, 'accept');
  await report(hanoi, 'SGDDT-HA-NOI', '2026-S2', { 'BD-NLS': 99 });
  // Hồ Chí Minh City: 2025 returned for correction, 2026-S1 submitted.
  await report(hcm, 'SGDDT-HO-CHI-MINH', '2025', { 'BD-NLS': 10 }, 'return');
  await report(hcm, 'SGDDT-HO-CHI-MINH', '2026-S1', { 'BD-NLS': 55, 'HS-TT': 85 });
});

let R27;
test('the 2027 review: per unit, the pledge of the phase against the latest accepted, else submitted, value', async () => {
  const r = await admin.get(REVIEW('SO-KET-2027'));
  assert.equal(r.status, 200, r.text);
  assert.match(r.headers.get('content-type'), /application\/json/);
  R27 = r.body;
  assert.equal(R27.milestone.code, 'SO-KET-2027');
  assert.equal(R27.phase.code, 'GD1');
  assert.deepEqual(R27.indicators.map((i) => i.code), SEED.indicators.map((i) => i.code));
  assert.equal(R27.round, null, 'no round is closed yet');
  assert.deepEqual(R27.units.map((u) => u.code).sort(), ['CD-NGHE-HN', 'DHQGHN', 'SGDDT-HA-NOI', 'SGDDT-HO-CHI-MINH', 'SGDDT-HUE']);
  const hn = R27.units.find((u) => u.code === 'SGDDT-HA-NOI');
  assert.equal(hn.type, 'doet');
  assert.equal(hn.province, 'ha-noi');
  assert.equal(hn.reported, true);
  // The accepted 2026-S1 wins over the later 2026-S2 that is only submitted.
  assert.deepEqual(hn.indicators['BD-NLS'], { pledge: 60, value: 66, period: '2026-S1', status: 'accepted', achievement: 1.1, met: true });
  assert.deepEqual(hn.indicators['HS-TT'], { pledge: 80, value: 75, period: '2026-S1', status: 'accepted', achievement: 0.938, met: false });
  // 2026-S1 has no TT-LD: the 2025 report's value stands.
  assert.deepEqual(hn.indicators['TT-LD'], { pledge: 4, value: 2, period: '2025', status: 'accepted', achievement: 0.5, met: false });
  // Computed at submission: one initiative recognised in the first half of 2026.
  assert.equal(hn.indicators['SK-CN'].pledge, 2);
  assert.equal(hn.indicators['SK-CN'].value, 1);
  assert.equal(hn.indicators['SK-CN'].period, '2026-S1');
  assert.equal(hn.indicators['SK-CN'].achievement, 0.5);
  assert.deepEqual(hn.initiatives, { submitted: 1, recognised: 1, adoptions: 1 });
  assert.deepEqual(hn.awards, []);
  assert.equal(hn.review, null);
  // Hồ Chí Minh City: the returned 2025 report does not count; 2026-S1 is only submitted.
  const hc = R27.units.find((u) => u.code === 'SGDDT-HO-CHI-MINH');
  assert.deepEqual(hc.indicators['BD-NLS'], { pledge: 50, value: 55, period: '2026-S1', status: 'submitted', achievement: 1.1, met: true });
  assert.equal(hc.indicators['HS-TT'].achievement, 0.944);
  assert.deepEqual(hc.initiatives, { submitted: 0, recognised: 0, adoptions: 0 });
  // Units that pledged nothing and reported nothing.
  const hue = R27.units.find((u) => u.code === 'SGDDT-HUE');
  assert.deepEqual(hue.indicators, {});
  assert.equal(hue.reported, false);
});

test('the 2027 review aggregates per province, per unit type and in total', async () => {
  const t = R27.totals;
  const cov = await admin.get(`/api/v1/campaigns/${CODE}/coverage`);
  assert.equal(t.eligible, cov.body.eligible);
  assert.equal(t.registered, 5);
  assert.equal(t.reported, 2);
  assert.equal(t.initiatives, 1);
  assert.equal(t.recognised, 1);
  assert.equal(t.adoptions, 1);
  assert.equal(t.awards, 0);
  // Mean achievement caps each unit at 100 %: Hà Nội 1.1 → 1, HCMC 1.1 → 1.
  assert.deepEqual(t.indicators['BD-NLS'], { pledged: 2, reported: 2, compared: 2, met: 2, mean_achievement: 1, target_total: null, value_total: null });
  assert.equal(t.indicators['HS-TT'].mean_achievement, 0.941);
  assert.equal(t.indicators['HS-TT'].met, 0);
  // Counts are summed: TT-LD pledged 4, reported 2.
  assert.equal(t.indicators['TT-LD'].target_total, 4);
  assert.equal(t.indicators['TT-LD'].value_total, 2);
  const provinces = (await admin.get('/api/v1/provinces')).body;
  const list = Array.isArray(provinces) ? provinces : provinces.provinces;
  const hanoiName = list.find((p) => p.code === 'ha-noi').name;
  const hn = R27.provinces.find((p) => p.province === 'ha-noi');
  assert.equal(hn.name, hanoiName);
  assert.equal(hn.registered, 3); // the Department, its vocational college, VNU Hanoi
  assert.equal(hn.reported, 1);
  assert.equal(hn.indicators['HS-TT'].mean_achievement, 0.938);
  const covHn = cov.body.by_province.find((p) => p.province === 'ha-noi');
  assert.equal(hn.eligible, covHn.eligible);
  const doet = R27.types.find((g) => g.type === 'doet');
  assert.equal(doet.name, 'Sở Giáo dục và Đào tạo');
  assert.equal(doet.registered, 3);
  assert.equal(doet.reported, 2);
  assert.equal(doet.indicators['HS-TT'].mean_achievement, 0.941);
  assert.equal(R27.types.find((g) => g.type === 'vocational').registered, 1);
  // Reports by period, every status.
  const p2025 = R27.periods.find((p) => p.period === '2025');
  assert.deepEqual(p2025, { period: '2025', submitted: 0, accepted: 1, returned: 1, draft: 0 });
  assert.deepEqual(R27.periods.map((p) => p.period), ['2025', '2026-S1', '2026-S2']);
});

test('the 2030 review compares against the pledges of the second phase', async () => {
  const r = await admin.get(REVIEW('TONG-KET-2030'));
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.phase.code, 'GD2');
  const hn = r.body.units.find((u) => u.code === 'SGDDT-HA-NOI');
  assert.deepEqual(hn.indicators['BD-NLS'], { pledge: 90, value: 66, period: '2026-S1', status: 'accepted', achievement: 0.733, met: false });
  // No GD2 pledge for HS-TT: the value without a target, no achievement.
  assert.deepEqual(hn.indicators['HS-TT'], { value: 75, period: '2026-S1', status: 'accepted' });
});

test('a closed round brings scores and ranks; an open one does not', async () => {
  const members = [{ username: 'reviewer', role: 'chair' }, ...['rv.a', 'rv.d', 'rv.e'].map((username) => ({ username, role: 'member' }))];
  let r = await admin.post(`/api/v1/campaigns/${CODE}/rounds`, { code: 'SK27', name: 'Chấm điểm sơ kết 2027', stage: 'scoring', members,
    entries: ['SGDDT-HA-NOI', 'SGDDT-HO-CHI-MINH', 'DHQGHN', 'SGDDT-HUE'] });
  assert.equal(r.status, 201, r.text);
  const level = { 'SGDDT-HA-NOI': 9, 'SGDDT-HO-CHI-MINH': 7, DHQGHN: 6, 'SGDDT-HUE': 4 };
  for (const [name, c] of [['reviewer', chair], ...Object.entries(rv)]) {
    const q = await c.get('/api/v1/reviews');
    for (const a of q.body.assignments) {
      const unit = r.body.entries.find((e) => e.entry === a.entry).unit;
      const x = level[unit];
      const s = await c.req('PUT', `/api/v1/reviews/${a.entry}/scorecard`,
        { scores: { effectiveness: x, creativity: x, replicability: x, practical_impact: x }, submit: true });
      assert.equal(s.status, 200, name + ' ' + s.text);
    }
  }
  assert.equal((await admin.get(REVIEW('SO-KET-2027'))).body.round, null);
  r = await admin.post(`/api/v1/campaigns/${CODE}/rounds/SK27/close`);
  assert.equal(r.status, 200, r.text);
  r = await admin.get(REVIEW('SO-KET-2027'));
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.round.code, 'SK27');
  assert.equal(r.body.round.entries, 4);
  const by = Object.fromEntries(r.body.units.map((u) => [u.code, u.review]));
  assert.equal(by['SGDDT-HA-NOI'].rank, 1);
  assert.equal(by['SGDDT-HO-CHI-MINH'].rank, 2);
  assert.equal(by['SGDDT-HUE'].rank, 4);
  assert.equal(by['SGDDT-HA-NOI'].mean, 9);
  assert.equal(by['CD-NGHE-HN'], null, 'not an entry of the round');
  // Within Hà Nội, the Department is ahead of VNU Hanoi.
  assert.equal(by['SGDDT-HA-NOI'].province_rank, 1);
  assert.equal(by.DHQGHN.province_rank, 2);
  const doet = r.body.types.find((g) => g.type === 'doet');
  assert.ok(doet.review_mean > 6 && doet.review_mean < 8, String(doet.review_mean));
});

test('a unit admin sees its subtree only, and nothing of another', async () => {
  const r = await hanoi.get(REVIEW('SO-KET-2027'));
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.body.units.map((u) => u.code).sort(), ['CD-NGHE-HN', 'SGDDT-HA-NOI']);
  assert.equal(r.body.totals.registered, 2);
  assert.deepEqual(r.body.provinces.map((p) => p.province), ['ha-noi']);
  assert.ok(!r.text.includes('SGDDT-HO-CHI-MINH') && !r.text.includes('DHQGHN'), 'another unit shows');
  // Its own unit's national rank is there; other units' lines are not.
  assert.equal(r.body.units.find((u) => u.code === 'SGDDT-HA-NOI').review.rank, 1);
  const sub = await hanoi.get(REVIEW('SO-KET-2027', '?unit=CD-NGHE-HN'));
  assert.equal(sub.status, 200, sub.text);
  assert.deepEqual(sub.body.units.map((u) => u.code), ['CD-NGHE-HN']);
  assert.equal(sub.body.scope, 'CD-NGHE-HN');
  for (const unit of ['SGDDT-HO-CHI-MINH', 'BGDDT']) {
    const x = await hanoi.get(REVIEW('SO-KET-2027', '?unit=' + unit));
    assert.ok([403, 404].includes(x.status), unit + ' ' + x.text);
    assert.ok(x.body.error && x.body.error.code, x.text);
  }
  for (const url of [REVIEW('SO-KET-2027', '?format=csv'), REVIEW('SO-KET-2027', '?format=csv&level=provinces'), REVIEW('SO-KET-2027', '/charts/provinces.svg')]) {
    const x = await bytes(hanoi, url);
    assert.equal(x.status, 200, url);
    const t = x.body.toString('utf8');
    assert.ok(!t.includes('SGDDT-HO-CHI-MINH') && !t.includes('Hồ Chí Minh'), url);
  }
  const ad = await admin.get(REVIEW('SO-KET-2027', '?unit=SGDDT-HO-CHI-MINH'));
  assert.deepEqual(ad.body.units.map((u) => u.code), ['SGDDT-HO-CHI-MINH']);
  for (const c of [teacher, chair]) assert.equal((await c.get(REVIEW('SO-KET-2027'))).status, 403);
  const anon = await fetch(srv.base + REVIEW('SO-KET-2027'));
  assert.equal(anon.status, 401);
});

test('bad input gets a 4xx JSON error naming the field', async () => {
  const cases = [
    [REVIEW('SO-KET-2027').replace(CODE, 'NO-SUCH'), 404, 'code'],
    [REVIEW('GIUA-KY'), 404, 'milestone'],
    [REVIEW('SO-KET-2027', '?format=docx'), 400, 'format'],
    [REVIEW('SO-KET-2027', '?format=csv&level=schools'), 400, 'level'],
    [REVIEW('SO-KET-2027', '?format=pdf&level=units'), 400, 'level'],
    [REVIEW('SO-KET-2027', '?unit=NO-SUCH-UNIT'), 404, 'unit'],
    [REVIEW('SO-KET-2027', '/charts/pie.svg'), 404, 'chart'],
    [REVIEW('SO-KET-2027', '/charts/achievement.png'), 404, 'chart'],
    [REVIEW('GIUA-KY', '/charts/achievement.svg'), 404, 'milestone'],
  ];
  for (const [url, status, field] of cases) {
    const r = await admin.get(url);
    assert.equal(r.status, status, url + ' ' + r.text);
    assert.equal(r.body.error.field, field, url + ' ' + r.text);
    assert.ok(r.body.error.code && r.body.error.message, r.text);
  }
});

test('CSV: RFC 4180 with a byte order mark, one level per file, the same figures', async () => {
  const r = await bytes(admin, REVIEW('SO-KET-2027', '?format=csv'));
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /^text\/csv/);
  assert.match(r.headers.get('content-disposition'), /attachment; filename="DMST-CDS-2025-2030-SO-KET-2027-units\.csv"/);
  assert.deepEqual([...r.body.subarray(0, 3)], [0xef, 0xbb, 0xbf]);
  const units = csvObjects(r.body.subarray(3).toString('utf8'));
  assert.equal(units.length, 5);
  const hn = units.find((u) => u.code === 'SGDDT-HA-NOI');
  assert.equal(hn.name, 'Sở Giáo dục và Đào tạo Hà Nội');
  assert.equal(hn['BD-NLS.pledge'], '60');
  assert.equal(hn['BD-NLS.value'], '66');
  assert.equal(hn['BD-NLS.period'], '2026-S1');
  assert.equal(hn['BD-NLS.status'], 'accepted');
  assert.equal(hn['BD-NLS.achievement'], '1.1');
  assert.equal(hn['HS-TT.achievement'], '0.938');
  assert.equal(hn.review_rank, '1');
  assert.equal(hn.initiatives, '1');
  assert.equal(units.find((u) => u.code === 'SGDDT-HUE')['BD-NLS.value'], '');
  const p = await bytes(admin, REVIEW('SO-KET-2027', '?format=csv&level=provinces'));
  assert.match(p.headers.get('content-disposition'), /-provinces\.csv"/);
  const prov = csvObjects(p.body.subarray(3).toString('utf8'));
  const hnp = prov.find((x) => x.province === 'ha-noi');
  assert.match(hnp.name, /Hà Nội$/);
  assert.equal(hnp.registered, '3');
  assert.equal(hnp['HS-TT.mean_achievement'], '0.938');
  const t = csvObjects((await bytes(admin, REVIEW('SO-KET-2027', '?format=csv&level=types'))).body.subarray(3).toString('utf8'));
  assert.equal(t.find((x) => x.type === 'doet').reported, '2');
});

test('XLSX: a zip workbook with a sheet per level', async () => {
  const r = await bytes(admin, REVIEW('SO-KET-2027', '?format=xlsx'));
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /spreadsheetml\.sheet/);
  assert.match(r.headers.get('content-disposition'), /SO-KET-2027\.xlsx"/);
  assert.equal(r.body.subarray(0, 4).toString('binary'), 'PK\x03\x04');
  const f = path.join(tmp, 'review.xlsx');
  writeFileSync(f, r.body);
  const list = spawnSync('unzip', ['-l', f]);
  assert.equal(list.status, 0, list.stderr.toString());
  for (const s of ['sheet1.xml', 'sheet2.xml', 'sheet3.xml', 'sheet4.xml']) assert.match(list.stdout.toString(), new RegExp('xl/worksheets/' + s));
  const wb = spawnSync('unzip', ['-p', f, 'xl/workbook.xml']).stdout.toString();
  const names = [...wb.matchAll(/<sheet name="([^"]+)"/g)].map((m) => m[1]);
  assert.deepEqual(names, ['summary', 'units', 'provinces', 'types']);
  const strings = spawnSync('unzip', ['-p', f, 'xl/sharedStrings.xml']).stdout.toString();
  const sheet2 = spawnSync('unzip', ['-p', f, 'xl/worksheets/sheet2.xml']).stdout.toString();
  // Shared strings or inline strings: either way the unit and the column are in the workbook.
  assert.ok((strings + sheet2).includes('SGDDT-HA-NOI') && (strings + sheet2).includes('BD-NLS.value'));
  assert.ok((strings + sheet2).includes('Sở Giáo dục và Đào tạo Hà Nội'));
});

test('PDF: A4 with bilingual headings, the figures and the units', async () => {
  const r = await bytes(admin, REVIEW('SO-KET-2027', '?format=pdf'));
  assert.equal(r.status, 200);
  assert.equal(r.headers.get('content-type'), 'application/pdf');
  assert.match(r.headers.get('content-disposition'), /SO-KET-2027\.pdf"/);
  assert.equal(r.body.subarray(0, 5).toString(), '%PDF-');
  const f = path.join(tmp, 'review.pdf');
  writeFileSync(f, r.body);
  const info = spawnSync('pdfinfo', [f]).stdout.toString();
  assert.match(info, /Page size:\s+595\.2\d* x 841\.8\d* pts \(A4\)/);
  const p = spawnSync('pdftotext', ['-layout', f, '-']);
  assert.equal(p.status, 0, p.stderr.toString());
  const text = p.stdout.toString().normalize('NFC');
  for (const s of ['Sơ kết phong trào năm 2027', 'Preliminary review 2027', 'Tổng hợp', 'Summary',
    'Kết quả theo tỉnh, thành phố', 'Results by province', 'Kết quả theo loại hình đơn vị', 'Results by unit type',
    'Mức đạt chỉ tiêu', 'Units', 'SGDDT-HA-NOI', 'Hà Nội', 'SK27'])
    assert.ok(text.includes(s), 'the PDF lacks ' + s);
  const hanoiPdf = await bytes(hanoi, REVIEW('SO-KET-2027', '?format=pdf'));
  writeFileSync(f, hanoiPdf.body);
  const t2 = spawnSync('pdftotext', [f, '-']).stdout.toString();
  assert.ok(t2.includes('SGDDT-HA-NOI') && !t2.includes('SGDDT-HO-CHI-MINH'));
});

test('SVG charts: standalone, well-formed, titled, no script', async () => {
  for (const name of ['achievement', 'types', 'reports', 'provinces']) {
    const r = await bytes(admin, REVIEW('SO-KET-2027', `/charts/${name}.svg`));
    assert.equal(r.status, 200, name);
    assert.match(r.headers.get('content-type'), /^image\/svg\+xml/);
    const svg = r.body.toString('utf8');
    assert.ok(svg.startsWith('<?xml'), name);
    const titles = xmlCheck(r.body);
    assert.ok(titles >= 2, `${name}: ${titles} titles`);
    assert.ok(!/<script|javascript:|on[a-z]+=/i.test(svg), name);
  }
  const a = (await bytes(admin, REVIEW('SO-KET-2027', '/charts/achievement.svg'))).body.toString('utf8');
  assert.ok(a.includes('BD-NLS') && a.includes('100.0%'), 'BD-NLS at 100 %');
  const p = (await bytes(admin, REVIEW('SO-KET-2027', '/charts/provinces.svg'))).body.toString('utf8');
  assert.ok(p.includes('Hà Nội') && p.includes('Hồ Chí Minh'), 'the provinces table names them');
});

test('names with markup are escaped in every format', async () => {
  const r = await admin.req('PATCH', '/api/v1/units/SGDDT-HUE', { name: 'Sở GD&ĐT Huế <"thử">' });
  assert.equal(r.status, 200, r.text);
  const j = await admin.get(REVIEW('SO-KET-2027'));
  assert.equal(j.body.units.find((u) => u.code === 'SGDDT-HUE').name, 'Sở GD&ĐT Huế <"thử">');
  const csv = csvObjects((await bytes(admin, REVIEW('SO-KET-2027', '?format=csv'))).body.subarray(3).toString('utf8'));
  assert.equal(csv.find((u) => u.code === 'SGDDT-HUE').name, 'Sở GD&ĐT Huế <"thử">');
  const svg = await bytes(admin, REVIEW('SO-KET-2027', '/charts/types.svg'));
  xmlCheck(svg.body);
});

test('charts are kept while nothing changes, and redrawn after any write', async () => {
  const url = REVIEW('SO-KET-2027', '/charts/reports.svg');
  const a = (await bytes(admin, url)).body.toString('utf8');
  assert.equal((await bytes(admin, url)).body.toString('utf8'), a, 'the same answer twice');
  // Accepting Hồ Chí Minh City's 2026-S1 report: one more accepted report in that period.
  const r = await admin.post(reportUrl('SGDDT-HO-CHI-MINH', '2026-S1') + '/accept');
  assert.equal(r.status, 200, r.text);
  const b = (await bytes(admin, url)).body.toString('utf8');
  assert.notEqual(b, a);
  assert.match(b, /2026-S1 — Đã duyệt \/ Accepted: 2</);
  const j = await admin.get(REVIEW('SO-KET-2027'));
  assert.equal(j.body.units.find((u) => u.code === 'SGDDT-HO-CHI-MINH').indicators['BD-NLS'].status, 'accepted');
  // Another viewer's scope is kept apart.
  const h = (await bytes(hanoi, url)).body.toString('utf8');
  assert.notEqual(h, b);
});

const failed = await run(SUITE);
await srv.stop();
store.cleanup();
rmSync(tmp, { recursive: true, force: true });
process.exit(failed ? 1 : 0);
