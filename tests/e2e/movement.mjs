// End-to-end test of the emulation movement in the web UI: a real edudx server with the demo
// units and the 2025-2030 campaign, driven through Debian's Chromium by playwright-core.
// One entry walks from registration to decision through the UI:
//   the Hà Nội Department registers and pledges, reports with an evidence file, the Ministry
//   accepts; the Ministry opens a review round; reviewers score beside the evidence; the chair
//   reads the four aggregations and closes the round; the unit nominates; the Ministry confirms
//   eligibility and opens a ballot; the council votes in secret; the chair closes it and sees the
//   tally; the Ministry posts it, a member of the public comments, the Ministry submits it and
//   records the decision; the award credential exists. Also: vi/en, phones, console errors.
// What the UI cannot do (accounts, other units' registrations, the other reviewers' scorecards
// and votes) is set up through the CLI and the API.
//   cd tests/e2e && npm ci          (once)
//   EDX_BIN=build/edudx node tests/e2e/movement.mjs
// Screenshots go to test-out/e2e/ under the repository root.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test, assert } from '../lib/harness.mjs';
import { seededStore, Server, PASSWORD, ROOT, cli, dbExec } from '../lib/server.mjs';
import {
  loadChromium, runSuite, PHONE, noProblems, shot, signIn, noHorizontalScroll, smallTargets,
} from './browser.mjs';

const SUITE = 'e2e-movement';
const chromium = await loadChromium(SUITE);

let store = null;
let server = null;
let pages = null;

const CODE = 'DMST-CDS-2025-2030';
const UNIT = 'SGDDT-HA-NOI';
const OTHERS = ['SGDDT-HUE', 'DHQGHN'];
const REVIEWERS = [['rv.a', 'BGDDT-VP'], ['rv.b', 'DHQGHCM'], ['rv.c', 'BGDDT']];
const COUNCIL = ['reviewer', ...REVIEWERS.map(([u]) => u)];
const PDF = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');

// What the tests share, in order.
const state = { round: 'V1', scorer: null, entry: null, nomination: null, ballot: null };

const open = (opts) => pages.open(opts);
const close = (page) => pages.close(page);

async function as(username, opts) {
  const page = await open(opts);
  await signIn(page, server.base, username);
  return page;
}

const nav = (page) => page.getByRole('navigation', { name: 'Chức năng' });
const h1 = (page, name) => page.getByRole('heading', { level: 1, name }).waitFor();

async function confirmDialog(page, action) {
  const dlg = page.getByRole('alertdialog');
  await dlg.waitFor();
  await dlg.getByRole('button', { name: action, exact: true }).click();
  await dlg.waitFor({ state: 'detached' });
}

// ---- tests ------------------------------------------------------------------------------

test('the Ministry defines a campaign by pasting its JSON: a bad definition names the field, a good one is created', async () => {
  const seed = JSON.parse(readFileSync(path.join(ROOT, 'data/movement/campaign-2025-2030.json'), 'utf8'));
  const def = { ...seed, code: 'TD-THU-NGHIEM', name: 'Phong trào thử nghiệm', name_en: 'A trial campaign', kind: 'thematic' };
  const bad = { ...def, criteria: def.criteria.map((c, i) => (i === 0 ? { ...c, weight: 0.9 } : c)) };
  const page = await as('admin');
  try {
    await page.goto(`${server.base}/#/movement`);
    await h1(page, 'Phong trào thi đua');
    const form = page.locator('#mv-create').locator('xpath=ancestor::section[1]');
    await form.getByLabel('Định nghĩa (JSON)').fill('{"code": ');
    await form.getByRole('button', { name: 'Tạo phong trào' }).click();
    await form.getByText(/Nội dung không phải JSON hợp lệ/).waitFor();
    assert.equal(await page.evaluate(() => document.activeElement.id), 'mv-create-text');
    await form.getByLabel('Định nghĩa (JSON)').fill(JSON.stringify(bad, null, 2));
    await form.getByRole('button', { name: 'Tạo phong trào' }).click();
    await form.getByText(/Định nghĩa chưa hợp lệ ở mục criteria/).waitFor();
    await form.getByLabel('Định nghĩa (JSON)').fill(JSON.stringify(def, null, 2));
    await form.getByRole('button', { name: 'Tạo phong trào' }).click();
    await h1(page, 'Phong trào thử nghiệm');
    await page.getByText('Thi đua chuyên đề').first().waitFor();
    noProblems(page);
  } finally {
    await close(page);
  }
});

test('a unit admin finds the movement in the side navigation, registers the unit and pledges targets', async () => {
  const page = await as('hanoi.admin');
  try {
    await nav(page).getByRole('link', { name: 'Phong trào thi đua' }).click();
    await h1(page, 'Phong trào thi đua');
    assert.equal(await nav(page).getByRole('link', { name: 'Phong trào thi đua' }).getAttribute('aria-current'), 'page');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'page-title', 'focus on the new heading');
    // Reviewers' and credentials' entries follow the role.
    assert.equal(await nav(page).getByRole('link', { name: 'Chấm điểm và bỏ phiếu' }).count(), 0);
    await page.getByRole('link', { name: 'Cả nước thi đua đổi mới sáng tạo và chuyển đổi số', exact: true }).click();
    await h1(page, 'Cả nước thi đua đổi mới sáng tạo và chuyển đổi số');
    await page.getByRole('heading', { name: 'Tiêu chí chấm điểm' }).waitFor();
    await page.locator('#view').getByText('Hiệu quả').first().waitFor();
    await page.getByRole('navigation', { name: 'Mục của phong trào' }).getByRole('link', { name: 'Đơn vị của tôi' }).click();
    await h1(page, 'Sở Giáo dục và Đào tạo Hà Nội');

    await page.getByRole('button', { name: 'Đăng ký tham gia' }).click();
    await page.locator('#view').getByText('Đơn vị đã đăng ký tham gia. Hãy cam kết chỉ tiêu.').first().waitFor();
    await page.locator('#ws-registered').locator('xpath=ancestor::section[1]').getByText('Đã đăng ký', { exact: true }).waitFor();

    // A target that is not a number is caught in the page, with the focus on it.
    await page.locator('#pl-TR-SO-GD1').fill('bảy mươi');
    await page.getByRole('button', { name: 'Lưu cam kết' }).click();
    await page.locator('#pl-TR-SO-GD1-error').getByText('Vui lòng nhập một số.').waitFor();
    assert.equal(await page.evaluate(() => document.activeElement.id), 'pl-TR-SO-GD1');
    // A percentage over 100 is refused by the server, nothing saved.
    await page.locator('#pl-TR-SO-GD1').fill('170');
    await page.getByRole('button', { name: 'Lưu cam kết' }).click();
    await page.locator('#view').getByText(/Chưa lưu được cam kết/).waitFor();
    await page.locator('#pl-TR-SO-GD1').fill('70');
    await page.locator('#pl-TR-SO-GD2').fill('100');
    await page.locator('#pl-BD-NLS-GD1').fill('60');
    await page.locator('#pl-HS-TT-GD1').fill('80,5');
    await page.getByRole('button', { name: 'Lưu cam kết' }).click();
    await page.locator('#view').getByText('Đã lưu 4 chỉ tiêu cam kết.').waitFor();
    assert.equal(await page.locator('#pl-HS-TT-GD1').inputValue(), '80.5');
    const reg = await (await server.login('admin')).get(`/api/v1/campaigns/${CODE}/registrations/${UNIT}`);
    assert.deepEqual(reg.body.pledges.map((p) => `${p.indicator}/${p.phase}=${p.target}`).sort(),
      ['BD-NLS/GD1=60', 'HS-TT/GD1=80.5', 'TR-SO/GD1=70', 'TR-SO/GD2=100']);
    noProblems(page);
  } finally {
    await close(page);
  }
});

test('the unit reports a half-year with an evidence file (a lying file is refused) and submits it', async () => {
  const page = await as('hanoi.admin');
  try {
    await page.goto(`${server.base}/#/movement/${CODE}/units/${UNIT}`);
    await page.getByLabel('Kỳ báo cáo').selectOption('2026-S1');
    await page.getByRole('button', { name: 'Mở báo cáo' }).click();
    await h1(page, 'Báo cáo 6 tháng đầu năm 2026');
    await page.locator('#view').getByText('Chưa lập').waitFor();

    // Submitting a value without evidence is caught in the page.
    await page.locator('#rv-BD-NLS-value').fill('55');
    await page.getByRole('button', { name: 'Gửi báo cáo' }).click();
    await page.locator('#rv-BD-NLS-error').getByText('Mỗi giá trị cần ít nhất một tệp minh chứng.').waitFor();

    // A web page named .pdf is refused by the server; a real PDF is taken.
    await page.setInputFiles('#rv-BD-NLS-file', { name: 'gia-mao.pdf', mimeType: 'application/pdf', buffer: Buffer.from('<html><script>alert(1)</script></html>') });
    await page.locator('#rv-BD-NLS-file-status').getByText(/Không nhận tệp gia-mao\.pdf/).waitFor();
    await page.setInputFiles('#rv-BD-NLS-file', { name: 'bao-cao-boi-duong.pdf', mimeType: 'application/pdf', buffer: PDF });
    await page.getByRole('link', { name: 'bao-cao-boi-duong.pdf' }).waitFor();
    assert.equal(await page.locator('#rv-BD-NLS-value').inputValue(), '55', 'what was typed survives the upload');
    await page.locator('#rv-BD-NLS-note').fill('Theo báo cáo của các trường');
    await page.getByRole('button', { name: 'Lưu nháp' }).click();
    await page.locator('#view').getByText('Đã lưu bản nháp.').waitFor();
    await page.getByRole('button', { name: 'Gửi báo cáo' }).click();
    await page.locator('#view').getByText('Đã gửi báo cáo, phiên bản 1.').waitFor();
    await page.locator('#rep-status').locator('xpath=ancestor::section[1]').getByText('Đã gửi, chờ xem xét', { exact: true }).waitFor();
    // The submitted version: the reported value with its file, and the computed indicators.
    const cur = page.locator('#rep-current').locator('xpath=ancestor::section[1]');
    await cur.getByRole('link', { name: 'bao-cao-boi-duong.pdf' }).waitFor();
    await cur.getByText('Tính từ dữ liệu hệ thống').first().waitFor();
    await shot(page, 'movement-report.png', { fullPage: true });
    noProblems(page);
  } finally {
    await close(page);
  }
});

test('the Ministry sees coverage and the report in its queue, and accepts it', async () => {
  const page = await as('admin');
  try {
    await page.goto(`${server.base}/#/movement/${CODE}`);
    await page.getByRole('navigation', { name: 'Mục của phong trào' }).getByRole('link', { name: 'Bảng điều hành' }).click();
    await h1(page, 'Bảng điều hành');
    const summary = page.locator('#dash-summary').locator('xpath=ancestor::section[1]');
    assert.equal((await summary.locator('[data-stat="registered"] dd').textContent()).trim(), '3');
    // Who has not registered: filtered by type.
    const missing = () => page.locator('#dash-missing').locator('xpath=ancestor::section[1]');
    await missing().getByLabel('Loại hình').selectOption('doet');
    await missing().getByLabel('Tỉnh, thành phố').selectOption('ho-chi-minh');
    await missing().getByRole('button', { name: 'Lọc' }).click();
    await page.waitForURL(/type=doet&province=ho-chi-minh/);
    await missing().getByRole('link', { name: 'Sở Giáo dục và Đào tạo Thành phố Hồ Chí Minh' }).waitFor();
    assert.equal(await missing().locator('tbody tr').count(), 1);
    await shot(page, 'movement-dashboard.png', { fullPage: true });

    await page.locator('#dash-reports').locator('xpath=ancestor::section[1]').getByRole('link', { name: 'Sở Giáo dục và Đào tạo Hà Nội' }).click();
    await h1(page, 'Báo cáo 6 tháng đầu năm 2026');
    // Returning needs a comment.
    await page.getByRole('button', { name: 'Trả lại để sửa' }).click();
    await page.locator('#rep-review-comment-error').getByText('Vui lòng ghi rõ nội dung cần sửa.').waitFor();
    assert.equal(await page.evaluate(() => document.activeElement.id), 'rep-review-comment');
    await page.getByLabel('Ý kiến').fill('Đề nghị bổ sung ghi chú nguồn số liệu 6 tháng.');
    await page.getByRole('button', { name: 'Trả lại để sửa' }).click();
    await page.locator('#view').getByText('Đã trả lại báo cáo để đơn vị sửa.').waitFor();
    noProblems(page);
  } finally {
    await close(page);
  }

  // The unit reads the comment, corrects the draft and submits version 2.
  const unit = await as('hanoi.admin');
  try {
    await unit.goto(`${server.base}/#/movement/${CODE}/units/${UNIT}/reports/2026-S1`);
    await unit.locator('#rep-comment').getByText('Đề nghị bổ sung ghi chú nguồn số liệu 6 tháng.').waitFor();
    await unit.getByRole('heading', { name: 'Sửa báo cáo' }).waitFor();
    assert.equal(await unit.locator('#rv-BD-NLS-value').inputValue(), '55', 'the draft is kept');
    await unit.locator('#rv-BD-NLS-note').fill('Theo báo cáo của các trường, tổng hợp ngày 05/07/2026');
    await unit.getByRole('button', { name: 'Gửi báo cáo' }).click();
    await unit.locator('#view').getByText('Đã gửi báo cáo, phiên bản 2.').waitFor();
    // Every version stays readable.
    const versions = unit.locator('#rep-versions').locator('xpath=ancestor::section[1]');
    await versions.getByText('2 phiên bản').waitFor();
    await versions.locator('summary').filter({ hasText: 'Phiên bản 1' }).click();
    await versions.getByText('Theo báo cáo của các trường', { exact: true }).waitFor();
    noProblems(unit);
  } finally {
    await close(unit);
  }

  const again = await as('admin');
  try {
    await again.goto(`${server.base}/#/movement/${CODE}/units/${UNIT}/reports/2026-S1`);
    await h1(again, 'Báo cáo 6 tháng đầu năm 2026');
    await again.getByLabel('Ý kiến').fill('Báo cáo đầy đủ, minh chứng rõ.');
    await again.getByRole('button', { name: 'Chấp nhận' }).click();
    await again.locator('#view').getByText('Đã chấp nhận báo cáo.').waitFor();
    await again.locator('#rep-status').locator('xpath=ancestor::section[1]').getByText('Đã chấp nhận', { exact: true }).waitFor();
    noProblems(again);
  } finally {
    await close(again);
  }
});

test('the Ministry opens a review round with its council; every entry is assigned', async () => {
  const page = await as('admin');
  try {
    await page.goto(`${server.base}/#/movement/${CODE}/dashboard`);
    const form = page.locator('#dash-new-round').locator('xpath=ancestor::section[1]');
    await form.getByLabel('Mã vòng').fill(state.round);
    await form.getByLabel('Tên vòng').fill('Vòng chấm điểm sơ kết 2027');
    await form.getByLabel('Chủ tịch hội đồng (tên đăng nhập)').fill('reviewer');
    await form.getByLabel('Thành viên hội đồng (tên đăng nhập)').fill('rv.a, rv.b\nrv.c');
    await form.getByLabel('Đơn vị dự vòng (mã, không bắt buộc)').fill([UNIT, ...OTHERS].join(' '));
    await form.getByRole('button', { name: 'Mở vòng và phân công' }).click();
    await h1(page, 'Vòng chấm điểm sơ kết 2027');
    const progress = page.locator('#rd-progress').locator('xpath=ancestor::section[1]');
    await progress.getByText('3 hồ sơ').first().waitFor();
    assert.equal(await progress.locator('tbody tr').count(), 3);
    noProblems(page);
  } finally {
    await close(page);
  }
});

test('a reviewer scores an entry beside its evidence: the scale is checked, a draft, then one submission', async () => {
  // A member assigned to the Hà Nội Department (the assignment is deterministic).
  for (const [name] of REVIEWERS) {
    const q = await (await server.login(name)).get('/api/v1/reviews');
    const a = q.body.assignments.find((x) => x.unit === UNIT);
    if (a) {
      state.scorer = name;
      state.entry = a.entry;
      break;
    }
  }
  assert.ok(state.scorer, 'some member reviews the Hà Nội Department');
  const page = await as(state.scorer);
  try {
    await nav(page).getByRole('link', { name: 'Chấm điểm và bỏ phiếu' }).click();
    await h1(page, 'Chấm điểm và bỏ phiếu');
    assert.equal(await nav(page).getByRole('link', { name: 'Văn bằng số' }).count(), 0);
    await page.locator('#rv-queue').locator('xpath=ancestor::section[1]').locator(`a[href="#/reviews/${state.entry}"]`).click();
    await page.getByRole('heading', { name: 'Phiếu chấm' }).waitFor();
    // The evidence beside the scorecard: the report's value, its file (downloadable), the computed indicators.
    const evidence = page.locator('#rv-evidence').locator('xpath=ancestor::section[1]');
    await evidence.getByText('Theo báo cáo của các trường').waitFor();
    const href = await evidence.locator('a[href^="/api/v1/evidence/"]').first().getAttribute('href');
    const file = await page.request.get(server.base + href);
    assert.equal(file.status(), 200);
    assert.deepEqual(Buffer.from(await file.body()), PDF);
    await page.getByLabel(/Điểm “Hiệu quả”/).fill('11');
    await page.getByRole('button', { name: 'Lưu nháp' }).click();
    await page.locator('#sc-effectiveness-error').getByText('Điểm phải từ 0 đến 10.').waitFor();
    await page.getByLabel(/Điểm “Hiệu quả”/).fill('8');
    await page.getByRole('button', { name: 'Lưu nháp' }).click();
    await page.locator('#view').getByText('Đã lưu nháp phiếu chấm.').waitFor();
    await page.getByRole('button', { name: 'Nộp phiếu chấm' }).click();
    await page.locator('#sc-creativity-error').getByText('Vui lòng chấm tiêu chí này trước khi nộp.').waitFor();
    await page.getByLabel(/Điểm “Tính sáng tạo”/).fill('7');
    await page.getByLabel(/Điểm “Khả năng nhân rộng”/).fill('7,5');
    await page.getByLabel(/Điểm “Tác động thực tiễn”/).fill('8');
    await page.getByLabel('Nhận xét').fill('Minh chứng đầy đủ, kết quả rõ.');
    await page.getByRole('button', { name: 'Nộp phiếu chấm' }).click();
    await confirmDialog(page, 'Nộp phiếu chấm');
    await page.locator('#announcer').getByText('Đã nộp phiếu chấm.').waitFor({ state: 'attached' });
    await page.locator('#view').getByText('Phiếu chấm đã nộp, không sửa được nữa.').waitFor();
    assert.equal(await page.getByRole('button', { name: 'Nộp phiếu chấm' }).count(), 0);
    await shot(page, 'movement-scorecard.png', { fullPage: true });

    // Another entry: the member recuses itself with a reason; a free member takes its place.
    const q = await (await server.login(state.scorer)).get('/api/v1/reviews');
    const other = q.body.assignments.find((a) => a.entry !== state.entry && a.assignment === 'assigned');
    await page.goto(`${server.base}/#/reviews/${other.entry}`);
    await page.getByRole('heading', { name: 'Xin rút khỏi hồ sơ' }).waitFor();
    await page.getByLabel('Lý do').fill('x');
    await page.getByRole('button', { name: 'Xin rút', exact: true }).click();
    await page.locator('#rc-reason-error').getByText('Vui lòng nêu lý do (ít nhất 5 ký tự).').waitFor();
    await page.getByLabel('Lý do').fill('Tôi từng công tác tại đơn vị này');
    await page.getByRole('button', { name: 'Xin rút', exact: true }).click();
    await confirmDialog(page, 'Xin rút');
    await page.locator('#view').getByText('Bạn đã xin rút khỏi hồ sơ này; một thành viên khác đã được giao thay.').waitFor();
    assert.equal(await page.getByRole('button', { name: 'Nộp phiếu chấm' }).count(), 0);
    noProblems(page);
  } finally {
    await close(page);
  }

  // The rest of the council scores through the API: a harsh and a lenient reviewer.
  const bias = { reviewer: 0, 'rv.a': 0, 'rv.b': -2, 'rv.c': 1 };
  const base = { [UNIT]: 8, 'SGDDT-HUE': 6, DHQGHN: 7 };
  for (const name of COUNCIL) {
    const c = await server.login(name);
    const q = await c.get('/api/v1/reviews');
    for (const a of q.body.assignments.filter((x) => x.assignment === 'assigned' && x.scorecard !== 'submitted')) {
      const x = Math.max(0, Math.min(10, base[a.unit] + bias[name]));
      const r = await c.req('PUT', `/api/v1/reviews/${a.entry}/scorecard`,
        { scores: { effectiveness: x, creativity: x, replicability: x, practical_impact: x }, submit: true });
      assert.equal(r.status, 200, r.text);
    }
  }
});

test('the chair reads the four aggregations side by side, by group, with the award line, and closes the round', async () => {
  const page = await as('reviewer');
  try {
    await page.goto(`${server.base}/#/reviews`);
    await page.getByRole('link', { name: 'Kết quả Vòng chấm điểm sơ kết 2027' }).click();
    await h1(page, 'Vòng chấm điểm sơ kết 2027');
    const results = page.locator('#rd-results').locator('xpath=ancestor::section[1]');
    for (const m of ['Trung bình', 'Trung bình cắt', 'Chuẩn hóa z', 'Mô hình hiệu chỉnh']) {
      await results.getByRole('columnheader', { name: m, exact: true }).waitFor();
    }
    assert.equal(await results.locator('tbody tr').count(), 3);
    // Ranked by the model: Hà Nội first; each score with its standard error.
    assert.equal(await results.locator('tbody tr').first().getAttribute('data-unit'), UNIT);
    assert.match(await results.locator('tbody tr').first().locator('td[data-method="model"]').textContent(), /±.*hạng 1/);
    await results.getByLabel('Xếp hạng theo nhóm').selectOption('type');
    await results.getByLabel('Số suất khen (đường xét khen)').fill('1');
    await results.getByRole('button', { name: 'Áp dụng' }).click();
    await page.waitForURL(/group=type&places=1/);
    await page.locator('#rd-results').locator('xpath=ancestor::section[1]').getByText('hạng 1 trong nhóm').first().waitFor();
    await page.locator('#rd-reviewers').locator('xpath=ancestor::section[1]').getByText('chấm chặt', { exact: true }).waitFor();
    await shot(page, 'movement-results.png', { fullPage: true });

    await page.getByRole('button', { name: 'Đóng vòng chấm' }).click();
    await confirmDialog(page, 'Đóng vòng chấm');
    await page.locator('#view').getByText('Đã đóng vòng chấm.').waitFor();
    assert.equal(await page.getByRole('button', { name: 'Đóng vòng chấm' }).count(), 0);
    noProblems(page);
  } finally {
    await close(page);
  }
});

test('in a blind round the reviewer sees an entry number, neither the unit nor its evidence', async () => {
  const admin = await server.login('admin');
  const r = await admin.post(`/api/v1/campaigns/${CODE}/rounds`, {
    code: 'V2', name: 'Vòng chung khảo', stage: 'final', blind: true,
    members: [{ username: 'reviewer', role: 'chair' }, ...REVIEWERS.map(([username]) => ({ username, role: 'member' }))],
    entries: [UNIT],
  });
  assert.equal(r.status, 201, r.text);
  const entry = r.body.entries[0].entry;
  let member = null;
  for (const [name] of REVIEWERS) {
    const q = await (await server.login(name)).get('/api/v1/reviews');
    if (q.body.assignments.some((a) => a.entry === entry)) member = member || name;
  }
  const page = await as(member);
  try {
    await page.goto(`${server.base}/#/reviews`);
    await h1(page, 'Chấm điểm và bỏ phiếu');
    const queue = page.locator('#rv-queue').locator('xpath=ancestor::section[1]');
    const link = queue.locator(`a[href="#/reviews/${entry}"]`);
    assert.equal((await link.textContent()).trim(), `Hồ sơ số ${entry}`);
    await link.click();
    await page.locator('#view').getByText('Vòng chấm ẩn danh: tên và minh chứng của đơn vị được ẩn, chỉ hiện số hồ sơ.').waitFor();
    await h1(page, `Hồ sơ số ${entry}`);
    assert.equal(await page.locator('#view').getByText('Hà Nội').count(), 0, 'no trace of the unit');
    assert.equal(await page.locator('#view a[href^="/api/v1/evidence/"]').count(), 0, 'no evidence links');
    noProblems(page);
  } finally {
    await close(page);
  }
});

test('a unit submits an initiative with evidence; another unit finds it without accents and records its adoption', async () => {
  const page = await as('hanoi.admin');
  try {
    await nav(page).getByRole('link', { name: 'Sáng kiến' }).click();
    await h1(page, 'Sáng kiến, mô hình hay');
    const form = page.locator('#init-create').locator('xpath=ancestor::section[1]');
    await form.getByRole('button', { name: 'Gửi sáng kiến' }).click();
    await form.getByText('Cần ít nhất một tệp minh chứng.').waitFor();
    assert.equal(await page.evaluate(() => document.activeElement.id), 'ic-title');
    await form.getByLabel('Tên sáng kiến').fill('Học bạ số liên thông toàn thành phố');
    await form.getByLabel('Tác giả').fill('Nguyễn Văn Bình, Lê Thu Trang');
    await form.getByLabel('Vấn đề cần giải quyết').fill('Học bạ giấy thất lạc khi học sinh chuyển trường.');
    await form.getByLabel('Giải pháp').fill('Cấp học bạ số ký số cho mọi học sinh, tra cứu liên thông.');
    await form.getByLabel('Kết quả đạt được').fill('Toàn bộ học sinh THPT có học bạ số trong năm 2026.');
    await page.setInputFiles('#ic-file', { name: 'sang-kien.pdf', mimeType: 'application/pdf', buffer: PDF });
    await form.getByRole('link', { name: 'sang-kien.pdf' }).waitFor();
    await form.getByRole('button', { name: 'Gửi sáng kiến' }).click();
    await h1(page, 'Học bạ số liên thông toàn thành phố');
    await page.locator('#view').getByText('Nguyễn Văn Bình, Lê Thu Trang').waitFor();
    // The author's unit does not adopt its own initiative.
    assert.equal(await page.locator('#init-adopt').count(), 0);
    noProblems(page);
  } finally {
    await close(page);
  }
  const hcm = await as('hcm.admin');
  try {
    await hcm.goto(`${server.base}/#/initiatives`);
    // The view must be drawn (its search form wired) before the search is typed.
    await h1(hcm, 'Sáng kiến, mô hình hay');
    await hcm.getByLabel('Từ khóa trong tên').fill('hoc ba so lien thong');
    await hcm.getByRole('button', { name: 'Tìm', exact: true }).click();
    await hcm.waitForURL(/q=hoc/);
    await hcm.getByRole('link', { name: 'Học bạ số liên thông toàn thành phố' }).click();
    await h1(hcm, 'Học bạ số liên thông toàn thành phố');
    const adopt = hcm.locator('#init-adopt').locator('xpath=ancestor::section[1]');
    await hcm.setInputFiles('#ia-file', { name: 'ap-dung.pdf', mimeType: 'application/pdf', buffer: PDF });
    await adopt.getByRole('link', { name: 'ap-dung.pdf' }).waitFor();
    await adopt.getByLabel('Ghi chú').fill('Áp dụng tại 20 trường THPT');
    await adopt.getByRole('button', { name: 'Ghi nhận áp dụng' }).click();
    const list = hcm.locator('#init-adoptions').locator('xpath=ancestor::section[1]');
    await list.getByText('Sở Giáo dục và Đào tạo Thành phố Hồ Chí Minh').waitFor();
    await list.getByText('1 đơn vị đã áp dụng').waitFor();
    noProblems(hcm);
  } finally {
    await close(hcm);
  }
});

test('the unit nominates itself and sees the eligibility verdict explained', async () => {
  const page = await as('hanoi.admin');
  try {
    await page.goto(`${server.base}/#/movement/${CODE}`);
    await page.getByRole('navigation', { name: 'Mục của phong trào' }).getByRole('link', { name: 'Đề nghị khen thưởng' }).click();
    await h1(page, 'Đề nghị khen thưởng');
    const form = page.locator('#nm-nominate').locator('xpath=ancestor::section[1]');
    await form.getByLabel('Hình thức khen thưởng').selectOption('minister_certificate');
    await form.getByLabel('Năm đề nghị').fill('2026');
    await form.getByLabel('Tóm tắt thành tích').fill('Dẫn đầu cả nước về học bạ số và bồi dưỡng kỹ năng số cho người học năm 2026.');
    await form.getByRole('button', { name: 'Gửi đề nghị' }).click();
    await page.waitForURL(/#\/nominations\/\d+$/);
    state.nomination = decodeURIComponent(page.url().split('/').pop());
    await h1(page, 'Sở Giáo dục và Đào tạo Hà Nội');
    const el = page.locator('#nm-eligibility').locator('xpath=ancestor::section[1]');
    await el.locator('#nm-verdict').waitFor();
    await el.getByText(/Quy định minister_certificate/).first().waitFor();
    await el.getByText(/Căn cứ:/).first().waitFor();
    await page.locator('#view').getByText('Đã đề nghị').first().waitFor();
    // The dossier downloads: a PDF and a ZIP of the evidence.
    for (const [name, type] of [['Hồ sơ điện tử (PDF)', /application\/pdf/], ['Minh chứng (ZIP)', /application\/zip/]]) {
      const href = await page.getByRole('link', { name }).getAttribute('href');
      const res = await page.request.get(server.base + href);
      assert.equal(res.status(), 200, `${name}: ${res.status()}`);
      assert.match(res.headers()['content-type'] || '', type);
    }
    noProblems(page);
  } finally {
    await close(page);
  }
});

test('the Ministry confirms eligibility and opens a ballot of the round\'s council', async () => {
  const page = await as('admin');
  try {
    await page.goto(`${server.base}/#/nominations/${state.nomination}`);
    await h1(page, 'Sở Giáo dục và Đào tạo Hà Nội');
    const n = await (await server.login('admin')).get(`/api/v1/nominations/${state.nomination}`);
    if (n.body.eligibility.verdict !== 'eligible' && !n.body.eligibility.confirmed) {
      await page.getByLabel('Ghi chú').fill('Hội đồng đã kiểm tra hồ sơ.');
      await page.getByRole('button', { name: 'Xác nhận đủ điều kiện' }).click();
      await page.locator('#view').getByText('Đã xác nhận đủ điều kiện.').waitFor();
    }
    await page.goto(`${server.base}/#/movement/${CODE}/nominations`);
    await h1(page, 'Đề nghị khen thưởng');
    const form = page.locator('#nm-ballot').locator('xpath=ancestor::section[1]');
    await form.getByLabel('Vòng chấm').selectOption(state.round);
    await form.getByLabel('Thời gian bỏ phiếu (phút)').fill('30');
    await form.getByRole('button', { name: 'Mở phiếu bầu' }).click();
    await page.waitForURL(/#\/ballots\/[^/]+$/);
    state.ballot = decodeURIComponent(page.url().split('/').pop());
    await page.locator('#view').getByText('0/4 thành viên').waitFor();
    noProblems(page);
  } finally {
    await close(page);
  }
});

test('council members vote in secret, once; the chair closes the ballot and sees the tally', async () => {
  const page = await as('rv.a');
  try {
    await page.goto(`${server.base}/#/reviews`);
    await page.locator('#rv-ballots').locator('xpath=ancestor::section[1]').locator(`a[href="#/ballots/${encodeURIComponent(state.ballot)}"]`).click();
    await page.getByRole('heading', { name: 'Bỏ phiếu', exact: true }).waitFor();
    await page.locator('#view').getByText(/Phiếu kín/).first().waitFor();
    await page.getByRole('button', { name: 'Gửi phiếu' }).click();
    await page.locator('#view').getByText('Vui lòng chọn đồng ý, không đồng ý hoặc không biểu quyết.').waitFor();
    await page.getByLabel('Đồng ý', { exact: true }).check();
    await page.getByRole('button', { name: 'Gửi phiếu' }).click();
    await confirmDialog(page, 'Gửi phiếu');
    await page.locator('#bl-voted').waitFor();
    assert.equal(await page.getByRole('button', { name: 'Gửi phiếu' }).count(), 0);
    noProblems(page);
  } finally {
    await close(page);
  }
  // The others vote through the API; a second vote is refused.
  const ballot = await (await server.login('rv.b')).get(`/api/v1/ballots/${state.ballot}`);
  const items = ballot.body.items.map((it) => it.nomination.id);
  for (const name of ['reviewer', 'rv.b', 'rv.c']) {
    const c = await server.login(name);
    const r = await c.post(`/api/v1/ballots/${state.ballot}/vote`, { choices: items.map((nomination) => ({ nomination, choice: 'yes' })) });
    assert.equal(r.status, 200, r.text);
  }
  const again = await (await server.login('rv.a')).post(`/api/v1/ballots/${state.ballot}/vote`, { choices: items.map((nomination) => ({ nomination, choice: 'no' })) });
  assert.equal(again.status, 409, again.text);

  const chair = await as('reviewer');
  try {
    await chair.goto(`${server.base}/#/ballots/${encodeURIComponent(state.ballot)}`);
    await chair.locator('#view').getByText('4/4 thành viên').waitFor();
    await chair.getByRole('button', { name: 'Đóng phiếu và kiểm phiếu' }).click();
    await confirmDialog(chair, 'Đóng phiếu và kiểm phiếu');
    const tally = chair.locator('#bl-tally').locator('xpath=ancestor::section[1]');
    await tally.getByText('Thông qua', { exact: true }).waitFor();
    assert.equal((await tally.locator('td[data-label="Đồng ý"]').first().textContent()).trim(), '4');
    await shot(chair, 'movement-ballot.png', { fullPage: true });
    noProblems(chair);
  } finally {
    await close(chair);
  }
});

test('the Ministry posts the nomination; a member of the public comments on the public page', async () => {
  const page = await as('admin');
  try {
    await page.goto(`${server.base}/#/nominations/${state.nomination}`);
    await page.locator('#view').getByText('Được hội đồng thông qua').first().waitFor();
    await page.getByLabel('Số ngày lấy ý kiến').fill('1');
    await page.getByRole('button', { name: 'Đăng công khai' }).click();
    await page.locator('#view').getByText('Đã đăng công khai để lấy ý kiến.').waitFor();
    await page.locator('#view').getByText('Đang lấy ý kiến công khai').first().waitFor();
    noProblems(page);
  } finally {
    await close(page);
  }

  const pub = await open(PHONE);
  try {
    await pub.goto(`${server.base}/nominations`);
    await h1(pub, 'Lấy ý kiến về đề nghị khen thưởng');
    const item = pub.locator(`article[data-id="${state.nomination}"]`);
    await item.getByText(/Bằng khen của Bộ trưởng/).waitFor();
    await item.getByRole('button', { name: 'Gửi góp ý' }).click();
    await item.getByText('Vui lòng nhập họ và tên.').waitFor();
    await item.getByLabel('Họ và tên').fill('Nguyễn Thị Mai');
    await item.getByLabel('Nội dung góp ý').fill('Tôi là phụ huynh, xác nhận học bạ số đã dùng được ở trường của con tôi.');
    await item.getByRole('button', { name: 'Gửi góp ý' }).click();
    await item.getByText('Cảm ơn bạn. Góp ý đã được ghi nhận và chuyển đến hội đồng.').waitFor();
    await noHorizontalScroll(pub, 'public page on a phone');
    assert.deepEqual(await smallTargets(pub), [], 'small touch targets on the public page');
    await shot(pub, 'movement-public-phone.png', { fullPage: true });
    // English.
    await pub.getByRole('button', { name: 'English' }).click();
    await h1(pub, 'Nominations open for public comment');
    noProblems(pub);
  } finally {
    await close(pub);
  }
  const comments = await (await server.login('admin')).get(`/api/v1/nominations/${state.nomination}/comments`);
  assert.equal(comments.status, 200, comments.text);
  assert.match(comments.text, /Nguyễn Thị Mai/);
});

test('the Ministry submits the nomination, records the decision, and the award credential exists', async () => {
  // The posting window must be over before submitting: move it into the past in the store.
  // (The window is days long; the test cannot wait.)
  dbExec(store, `UPDATE nominations SET posted_until = posted_until - 3 * 86400, posted_from = posted_from - 3 * 86400 WHERE id = ${Number(state.nomination)}`);
  const page = await as('admin');
  try {
    await page.goto(`${server.base}/#/nominations/${state.nomination}`);
    await page.getByRole('button', { name: 'Trình cấp trên' }).click();
    await confirmDialog(page, 'Trình cấp trên');
    await page.locator('#view').getByText('Đã trình cấp có thẩm quyền.').waitFor();
    await page.getByLabel('Số quyết định').fill('1234/QĐ-BGDĐT');
    await page.getByLabel('Ngày quyết định').fill('2026-11-20');
    await page.getByRole('button', { name: 'Ghi nhận quyết định' }).click();
    await confirmDialog(page, 'Ghi nhận quyết định');
    await page.locator('#view').getByText('Đã ghi nhận quyết định và cấp chứng nhận khen thưởng.').waitFor();
    await page.locator('#view').getByText('Đã có quyết định').first().waitFor();
    await page.locator('#nm-decision').locator('xpath=ancestor::section[1]').getByText('1234/QĐ-BGDĐT').waitFor();
    await shot(page, 'movement-nomination.png', { fullPage: true });
    const link = page.locator('#nm-credential');
    await link.click();
    await page.waitForFunction(() => location.hash.startsWith('#/credentials/'));
    await page.locator('#view h1').waitFor();
    const n = await (await server.login('admin')).get(`/api/v1/nominations/${state.nomination}`);
    assert.equal(n.body.status, 'decided');
    assert.match(n.body.credential, /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    const cred = await (await server.login('admin')).get(`/api/v1/credentials/${encodeURIComponent(n.body.credential)}`);
    assert.equal(cred.status, 200, cred.text);
    noProblems(page);
  } finally {
    await close(page);
  }
});

test('the 2027 review: pledges beside reports, the server\'s charts and the exports', async () => {
  const page = await as('admin');
  try {
    await page.goto(`${server.base}/#/movement/${CODE}`);
    await page.getByRole('link', { name: 'Sơ kết phong trào năm 2027' }).click();
    await h1(page, 'Sơ kết phong trào năm 2027');
    const units = page.locator('#ms-units').locator('xpath=ancestor::section[1]');
    await units.getByText('Sở Giáo dục và Đào tạo Hà Nội').waitFor();
    const charts = page.locator('.chart img');
    assert.equal(await charts.count(), 4);
    for (let i = 0; i < 4; i++) {
      const img = charts.nth(i);
      await img.scrollIntoViewIfNeeded();
      await page.waitForFunction((el) => el.complete && el.naturalWidth > 0, await img.elementHandle());
    }
    for (const name of ['Tải báo cáo PDF', 'Tải tệp Excel (XLSX)', 'Tải CSV theo đơn vị']) {
      const href = await page.getByRole('link', { name }).getAttribute('href');
      const res = await page.request.get(server.base + href);
      assert.equal(res.status(), 200, `${name}: ${res.status()}`);
    }
    await shot(page, 'movement-milestone.png', { fullPage: true });
    noProblems(page);
  } finally {
    await close(page);
  }
});

test('the movement pages switch to English and fit a phone without horizontal scrolling', async () => {
  const page = await as('admin', PHONE);
  try {
    for (const [hash, heading] of [
      [`#/movement/${CODE}/dashboard`, 'Bảng điều hành'],
      [`#/movement/${CODE}/units/${UNIT}/reports/2026-S1`, 'Báo cáo 6 tháng đầu năm 2026'],
      [`#/movement/${CODE}/rounds/${state.round}`, 'Vòng chấm điểm sơ kết 2027'],
      ['#/initiatives', 'Sáng kiến, mô hình hay'],
      [`#/movement/${CODE}/milestones/SO-KET-2027`, 'Sơ kết phong trào năm 2027'],
      [`#/movement/${CODE}`, 'Cả nước thi đua đổi mới sáng tạo và chuyển đổi số'],
    ]) {
      await page.goto(`${server.base}/${hash}`);
      await h1(page, heading);
      await noHorizontalScroll(page, hash);
      assert.deepEqual(await smallTargets(page), [], `small touch targets on ${hash}`);
    }
    await shot(page, 'movement-campaign-phone.png', { fullPage: true });
    await page.locator('#user-menu-button').click();
    await page.locator('#user-menu-panel').getByRole('button', { name: 'English' }).click();
    await h1(page, 'The whole country competes in innovation and digital transformation');
    await page.getByRole('heading', { name: 'Scoring criteria' }).waitFor();
    await page.locator('#view').getByText('Effectiveness').first().waitFor();
    await page.goto(`${server.base}/#/movement/${CODE}/dashboard`);
    await h1(page, 'Dashboard');
    await page.getByRole('heading', { name: 'Reports by period and status' }).waitFor();
    await noHorizontalScroll(page, 'dashboard in English');
    // Every page in English: no string missing (a missing one warns in the console).
    for (const [hash, heading] of [
      [`#/movement/${CODE}/units/${UNIT}/reports/2026-S1`, 'Report for First half of 2026'],
      [`#/movement/${CODE}/units/${UNIT}`, 'Sở Giáo dục và Đào tạo Hà Nội'],
      [`#/movement/${CODE}/rounds/${state.round}?group=province&places=1`, 'Vòng chấm điểm sơ kết 2027'],
      [`#/movement/${CODE}/nominations`, 'Nominations'],
      [`#/nominations/${state.nomination}`, 'Sở Giáo dục và Đào tạo Hà Nội'],
      [`#/ballots/${encodeURIComponent(state.ballot)}`, /Nomination ballot|Bỏ phiếu/],
      ['#/initiatives', 'Initiatives and good models'],
      [`#/movement/${CODE}/milestones/TONG-KET-2030`, 'Final review 2030'],
      ['#/movement', 'Emulation movement'],
    ]) {
      await page.goto(`${server.base}/${hash}`);
      await h1(page, heading);
      await noHorizontalScroll(page, `${hash} in English`);
    }
    noProblems(page);
  } finally {
    await close(page);
  }
  const rv = await as(state.scorer, PHONE);
  try {
    await rv.goto(`${server.base}/#/reviews`);
    await h1(rv, 'Chấm điểm và bỏ phiếu');
    await noHorizontalScroll(rv, 'review queue on a phone');
    // A closed round leaves the queue; its entries stay readable.
    await rv.goto(`${server.base}/#/reviews/${state.entry}`);
    await rv.getByRole('heading', { name: 'Phiếu chấm' }).waitFor();
    await noHorizontalScroll(rv, 'scorecard on a phone');
    assert.deepEqual(await smallTargets(rv), [], 'small touch targets on the scorecard');
    noProblems(rv);
  } finally {
    await close(rv);
  }
});

await runSuite(SUITE, chromium, async (ctx) => {
  ctx.store = store = seededStore();
  for (const [u, unit] of REVIEWERS) {
    const r = cli(store, ['user', 'add', u, '--role', 'reviewer', '--unit', unit], PASSWORD + '\n');
    if (r.status !== 0) throw new Error(`user add ${u}: ${r.stderr}`);
  }
  let r = cli(store, ['campaign', 'load', path.join(ROOT, 'data/movement/campaign-2025-2030.json')]);
  if (r.status !== 0) throw new Error('campaign load: ' + r.stderr);
  for (const unit of OTHERS) {
    r = cli(store, ['campaign', 'register', CODE, '--unit', unit]);
    if (r.status !== 0) throw new Error(`register ${unit}: ${r.stderr}`);
  }
  ctx.server = server = await new Server(store).start();
}, (ctx) => {
  ({ pages } = ctx);
});
