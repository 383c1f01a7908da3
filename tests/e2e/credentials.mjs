// End-to-end test of digital credentials in the web UI: a real edudx server with the
// demo units, driven through Debian's Chromium by playwright-core.
//   the admin app: issue a diploma batch from a CSV (dry run, then issue), the register,
//   a credential (PDF, JSON, revocation), signing keys, the trust registry;
//   the public /verify page, signed out: by id (QR code), pasted JSON, a file, a tampered
//   credential, the holder's ID number, English, a phone.
//   cd tests/e2e && npm ci          (once)
//   EDX_BIN=build-web/edudx node tests/e2e/credentials.mjs
// Screenshots go to test-out/e2e/ under the repository root.
import { readFileSync } from 'node:fs';
import { test, assert } from '../lib/harness.mjs';
import { seededStore, Server } from '../lib/server.mjs';
import {
  loadChromium, runSuite, PHONE, noProblems, shot, signIn, noHorizontalScroll, smallTargets,
} from './browser.mjs';

const SUITE = 'e2e-credentials';
const chromium = await loadChromium(SUITE);

let store = null;
let server = null;
let browser = null;
let pages = null;

// What the tests share, in order: the credentials issued and their documents.
const issued = {};

const HEADER = 'external_id,id_number,full_name,birth_date,graduation_year,classification,decision_number,decision_date';
const GOOD = [
  'CVA-2026-001,001208012345,Nguyễn Văn An,2008-03-14,2026,Giỏi,1234/QĐ-SGDĐT,2026-06-30',
  'CVA-2026-002,001308054321,Trần Thị Bình,2008-07-01,2026,Khá,1234/QĐ-SGDĐT,2026-06-30',
  'CVA-2026-003,079208000123,Lê Hoàng Cường,2008-11-20,2026,Xuất sắc,1234/QĐ-SGDĐT,2026-06-30',
];
const BAD_ROW = 'CVA-2026-004,12345,Phạm Dũng,2008-02-30,2026,Tốt,1234/QĐ-SGDĐT,2026-06-30';
const csv = (rows) => `${HEADER}\n${rows.join('\n')}\n`;

const open = (opts) => pages.open(opts);
const close = (page) => pages.close(page);

async function adminPage(opts) {
  const page = await open(opts);
  await signIn(page, server.base, 'admin');
  return page;
}

// Drop a file on a drop zone the way a browser does (a DataTransfer with the file).
async function dropFile(page, zoneSelector, name, text, type) {
  await page.evaluate(({ zoneSelector, name, text, type }) => {
    const zone = document.querySelector(zoneSelector);
    const dt = new DataTransfer();
    dt.items.add(new File([text], name, { type }));
    for (const ev of ['dragenter', 'dragover', 'drop']) {
      zone.dispatchEvent(new DragEvent(ev, { dataTransfer: dt, bubbles: true, cancelable: true }));
    }
  }, { zoneSelector, name, text, type });
}

const live = (page) => page.locator('#verify-live');
const check = (page, name) => page.locator(`.checks li[data-check="${name}"]`);

async function pasteAndVerify(page, doc) {
  await page.getByLabel('Hoặc dán nội dung văn bằng (JSON)').fill(typeof doc === 'string' ? doc : JSON.stringify(doc, null, 2));
  await page.getByRole('button', { name: 'Kiểm tra', exact: true }).click();
}

// ---- tests --------------------------------------------------------------------------

test('the public /verify page is served signed out, in Vietnamese, with a strict CSP and no inline code', async () => {
  const res = await fetch(server.base + '/verify');
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') || '', /text\/html/);
  assert.match(res.headers.get('content-security-policy') || '', /script-src 'self'/);
  const html = await res.text();
  assert.doesNotMatch(html, /<script(?![^>]*\bsrc=)[^>]*>/i, 'no inline <script>');
  assert.doesNotMatch(html, /<style/i, 'no inline <style>');
  assert.doesNotMatch(html, /\sstyle=/i, 'no style attributes');
  assert.doesNotMatch(html, /\son[a-z]+=/i, 'no inline event handlers');
  for (const f of ['/js/verify.js', '/js/report.js', '/js/credentials.js', '/js/ui.js']) {
    assert.equal((await fetch(server.base + f)).status, 200, f);
  }
  const page = await open();
  try {
    await page.goto(server.base + '/verify');
    await page.getByRole('heading', { level: 1, name: 'Kiểm tra văn bằng số' }).waitFor();
    assert.equal(await page.getAttribute('html', 'lang'), 'vi');
    assert.match(await page.title(), /Kiểm tra văn bằng số/);
    assert.equal(await live(page).getAttribute('role'), 'status');
    // Nothing to check: a field error, no request.
    await page.getByRole('button', { name: 'Kiểm tra', exact: true }).click();
    await page.locator('#verify-text-error').getByText('Vui lòng dán nội dung văn bằng hoặc chọn tệp.').waitFor();
    assert.equal(await page.getAttribute('#verify-text', 'aria-invalid'), 'true');
    await pasteAndVerify(page, '{"not json');
    await page.locator('#verify-text-error').getByText('Nội dung không phải JSON hợp lệ').waitFor();
    // Not a credential: the server's syntax check says so.
    await pasteAndVerify(page, { hello: 'world' });
    await live(page).getByText('Văn bằng không hợp lệ').waitFor();
    assert.equal(await check(page, 'syntax').getAttribute('data-status'), 'fail');
    noProblems(page);
  } finally {
    await close(page);
  }
});

test('admin: the Credentials section is in the side navigation and starts empty', async () => {
  const page = await adminPage();
  try {
    const nav = page.getByRole('navigation', { name: 'Chức năng' });
    await nav.getByRole('link', { name: 'Văn bằng số' }).click();
    await page.waitForURL(/#\/credentials$/);
    await page.getByRole('heading', { level: 1, name: 'Văn bằng số' }).waitFor();
    assert.equal(await nav.getByRole('link', { name: 'Văn bằng số' }).getAttribute('aria-current'), 'page');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'page-title', 'focus on the new heading');
    await page.getByText('Chưa có văn bằng nào được cấp.').waitFor();
    noProblems(page);
  } finally {
    await close(page);
  }
});

test('admin issues a diploma batch from a CSV: a dry run reports the bad row, the corrected file is issued', async () => {
  const page = await adminPage();
  try {
    await page.goto(server.base + '/#/credentials');
    await page.getByRole('link', { name: 'Cấp văn bằng theo lô' }).click();
    await page.getByRole('heading', { level: 1, name: 'Cấp văn bằng theo lô' }).waitFor();

    // The issuing unit, looked up by code; the columns of the diploma schema.
    const issuer = page.getByLabel('Đơn vị cấp');
    await issuer.fill('THPT-CVA');
    await issuer.press('Tab');
    await page.locator('#is-issuer-found').getByText('Trường THPT Chu Văn An').waitFor();
    assert.equal(await page.getByLabel('Loại văn bằng').inputValue(), 'diploma');
    const columns = page.locator('.columns__list');
    await columns.getByText('id_number', { exact: true }).waitFor();
    await columns.getByText('Số định danh cá nhân').waitFor();

    // Checking needs a file.
    await page.getByRole('button', { name: 'Kiểm tra tệp (chưa cấp)' }).click();
    await page.locator('#is-csv-error').getByText('Vui lòng chọn tệp CSV.').waitFor();

    // A file with a bad row: the dry run lists its problems and issues nothing.
    await page.setInputFiles('#is-csv', { name: 'lop-12a.csv', mimeType: 'text/csv', buffer: Buffer.from(csv([...GOOD, BAD_ROW])) });
    await page.getByText('Tệp đã chọn: lop-12a.csv').waitFor();
    let answer = page.waitForResponse((r) => r.url().includes('/api/v1/credentials/batches'));
    await page.getByRole('button', { name: 'Kiểm tra tệp (chưa cấp)' }).click();
    let r = await answer;
    assert.equal(r.status(), 400);
    assert.match(r.url(), /dryRun=1/);
    assert.equal(r.request().headers()['content-type'], 'text/csv');
    assert.ok(r.request().headers()['x-csrf-token'], 'the CSRF header is sent');
    await page.locator('#is-report-summary').getByText('1 dòng có lỗi').waitFor();
    const errors = page.locator('table.row-errors tbody tr');
    await errors.first().waitFor();
    const rows = await errors.evaluateAll((trs) => trs.map((tr) => [tr.cells[0].textContent, tr.cells[1].querySelector('.code')?.textContent]));
    assert.ok(rows.some(([row, col]) => row === '5' && col === 'id_number'), `id_number of row 5 reported: ${JSON.stringify(rows)}`);
    assert.ok(rows.some(([row, col]) => row === '5' && col === 'classification'), 'classification of row 5 reported');
    assert.equal(await page.locator('.stats__item[data-stat="invalid"] dd').textContent(), '1');
    assert.equal(await page.getByRole('button', { name: /^Cấp \d+ văn bằng$/ }).count(), 0, 'no issue button while rows are bad');
    await page.getByLabel('Bỏ qua các dòng có lỗi, chỉ cấp các dòng hợp lệ').waitFor();
    await shot(page, 'cred-issue-dry-run-errors.png', { fullPage: true });
    const none = await server.login('admin');
    assert.equal((await none.get('/api/v1/credentials')).body.items.length, 0, 'the dry run issued nothing');

    // The corrected file, dropped on the zone: the old report goes away; check again.
    await dropFile(page, '#is-csv-zone', 'lop-12a-sua.csv', csv(GOOD), 'text/csv');
    await page.getByText('Tệp đã chọn: lop-12a-sua.csv').waitFor();
    assert.equal(await page.locator('#is-report-summary').count(), 0, 'the report of the old file is gone');
    answer = page.waitForResponse((x) => x.url().includes('/api/v1/credentials/batches'));
    await page.getByRole('button', { name: 'Kiểm tra tệp (chưa cấp)' }).click();
    assert.equal((await answer).status(), 200);
    await page.locator('#is-report-summary').getByText('Cả 3 dòng đều hợp lệ. Chưa có văn bằng nào được cấp.').waitFor();
    await page.locator('#announcer').getByText(/Cả 3 dòng đều hợp lệ/).waitFor();

    // Issue, after a confirmation.
    await page.getByRole('button', { name: 'Cấp 3 văn bằng' }).click();
    const dialog = page.getByRole('alertdialog', { name: 'Cấp 3 văn bằng?' });
    await dialog.getByText('Trường THPT Chu Văn An', { exact: false }).waitFor();
    await shot(page, 'cred-issue-confirm.png');
    answer = page.waitForResponse((x) => x.url().includes('/api/v1/credentials/batches'));
    await dialog.getByRole('button', { name: 'Cấp văn bằng' }).click();
    r = await answer;
    assert.equal(r.status(), 201);
    assert.doesNotMatch(r.url(), /dryRun/);
    await page.locator('#is-result-summary').getByText('Đã cấp và ký số 3 văn bằng.').waitFor();
    assert.equal(await page.locator('.stats__item[data-stat="issued"] dd').textContent(), '3');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'is-result-title');
    await shot(page, 'cred-issue-done.png', { fullPage: true });

    // The register, filtered on the unit and type.
    await page.getByRole('link', { name: 'Xem văn bằng của đơn vị này' }).click();
    await page.waitForURL(/#\/credentials\?issuer=THPT-CVA&type=diploma$/);
    const list = page.locator('table.cred-table tbody tr');
    await list.nth(2).waitFor();
    assert.equal(await list.count(), 3);
    await page.getByText('3 văn bằng trên trang này').waitFor();
    assert.equal(await page.getByLabel('Loại văn bằng').inputValue(), 'diploma');
    assert.equal(await list.locator('.status').first().textContent(), 'Còn hiệu lực');
    await shot(page, 'cred-list.png', { fullPage: true });

    // Search without accents.
    await page.getByRole('searchbox', { name: 'Tìm kiếm' }).fill('tran thi binh');
    await page.getByRole('button', { name: 'Lọc', exact: true }).click();
    await page.waitForURL(/q=tran\+thi\+binh/);
    await page.getByText('1 văn bằng trên trang này').waitFor();
    assert.equal(await list.count(), 1);
    assert.equal(await page.evaluate(() => document.activeElement.id), 'cred-list-title', 'focus on the results');
    await list.getByRole('link', { name: 'Trần Thị Bình' }).waitFor();

    const all = (await none.get('/api/v1/credentials?issuer=THPT-CVA')).body.items;
    for (const it of all) issued[it.externalId] = it.id;
    assert.equal(Object.keys(issued).length, 3);
    noProblems(page);
  } finally {
    await close(page);
  }
});

test('admin opens a credential: summary, PDF (application/pdf), the JSON document, its public page link', async () => {
  const page = await adminPage();
  try {
    await page.goto(server.base + '/#/credentials?q=CVA-2026-002');
    await page.locator('table.cred-table').getByRole('link', { name: 'Trần Thị Bình' }).click();
    await page.waitForURL(new RegExp(`#/credentials/${issued['CVA-2026-002']}$`));
    await page.getByRole('heading', { level: 1, name: 'Trần Thị Bình' }).waitFor();
    await page.getByText('Bằng tốt nghiệp trung học phổ thông').first().waitFor();
    const facts = page.locator('section[aria-labelledby="cred-summary"] .facts');
    await facts.getByText('CVA-2026-002').waitFor();
    await facts.getByText('Còn hiệu lực').waitFor();
    await facts.getByRole('link', { name: 'Trường THPT Chu Văn An' }).waitFor();
    await page.getByRole('navigation', { name: 'Vị trí' }).getByRole('link', { name: 'Văn bằng số' }).waitFor();

    // The PDF: the answer is a PDF, and the link downloads it.
    const href = await page.locator('#cred-pdf').getAttribute('href');
    assert.equal(href, `/api/v1/credentials/${issued['CVA-2026-002']}/pdf`);
    const pdf = await page.request.get(server.base + href);
    assert.equal(pdf.status(), 200, `GET ${href}: ${pdf.status()} ${(await pdf.text()).slice(0, 200)}`);
    assert.match(pdf.headers()['content-type'] || '', /^application\/pdf/);
    assert.equal((await pdf.body()).subarray(0, 5).toString('latin1'), '%PDF-');
    const [dl] = await Promise.all([page.waitForEvent('download'), page.locator('#cred-pdf').click()]);
    assert.match(dl.suggestedFilename(), /\.pdf$/);

    // The public verification page opens in a new tab.
    const pub = page.locator('#cred-public');
    assert.equal(await pub.getAttribute('href'), `/verify?id=${issued['CVA-2026-002']}`);
    assert.equal(await pub.getAttribute('target'), '_blank');

    // The signed document: collapsed, then shown; downloadable as .json.
    const details = page.locator('details.json-details');
    assert.equal(await details.getAttribute('open'), null);
    await details.getByText('Xem nội dung JSON').click();
    await details.locator('pre').getByText('"eddsa-jcs-2022"', { exact: false }).waitFor();
    const [jdl] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Tải tệp .json' }).click()]);
    const doc = JSON.parse(readFileSync(await jdl.path(), 'utf8'));
    assert.equal(doc.id, `urn:uuid:${issued['CVA-2026-002']}`);
    assert.ok(doc.proof && doc.proof.proofValue);
    issued.docBinh = doc;

    // Verify from the app: valid, but the school is not accredited yet.
    await page.getByRole('button', { name: 'Kiểm tra ngay' }).click();
    await page.locator('#cred-verify-out').getByText('Hợp lệ, nhưng đơn vị cấp chưa được công nhận').waitFor();
    await shot(page, 'cred-detail.png', { fullPage: true });
    noProblems(page);
  } finally {
    await close(page);
  }
});

test('admin revokes the credential with a reason, after a confirmation', async () => {
  const page = await adminPage();
  try {
    await page.goto(`${server.base}/#/credentials/${issued['CVA-2026-002']}`);
    const section = page.locator('section[aria-labelledby="cred-status"]');
    await section.getByRole('heading', { name: 'Thu hồi, đình chỉ hoặc khôi phục' }).waitFor();
    assert.equal(await section.getByRole('radio', { name: 'Thu hồi' }).isChecked(), true);
    // A reason is required.
    await section.getByRole('button', { name: 'Thu hồi văn bằng' }).click();
    await section.getByText('Vui lòng nhập lý do, ít nhất 3 ký tự.').waitFor();
    assert.equal(await page.evaluate(() => document.activeElement.id), 'cs-reason');
    // Suspend changes the button; back to revoke.
    await section.getByRole('radio', { name: 'Tạm đình chỉ' }).check();
    await section.getByRole('button', { name: 'Đình chỉ văn bằng' }).waitFor();
    await section.getByRole('radio', { name: 'Thu hồi' }).check();
    await section.getByLabel('Lý do').fill('Cấp nhầm người nhận; theo Quyết định 99/QĐ-THPT');
    await section.getByRole('button', { name: 'Thu hồi văn bằng' }).click();
    const dialog = page.getByRole('alertdialog', { name: 'Thu hồi văn bằng của Trần Thị Bình?' });
    await dialog.getByText('không hoàn tác được', { exact: false }).waitFor();
    await shot(page, 'cred-revoke-confirm.png');
    // Escape keeps it.
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    await section.getByRole('button', { name: 'Thu hồi văn bằng' }).click();
    const answer = page.waitForResponse((r) => r.url().endsWith(`/api/v1/credentials/${issued['CVA-2026-002']}/revoke`));
    await dialog.getByRole('button', { name: 'Thu hồi văn bằng' }).click();
    const r = await answer;
    assert.equal(r.status(), 200);
    assert.ok(r.request().headers()['x-csrf-token'], 'the CSRF header is sent');
    assert.deepEqual(JSON.parse(r.request().postData()), { reason: 'Cấp nhầm người nhận; theo Quyết định 99/QĐ-THPT' });
    await section.getByText('Đã thu hồi văn bằng.').waitFor();
    await section.getByText('Văn bằng này đã bị thu hồi. Thu hồi là vĩnh viễn.').waitFor();
    assert.equal(await section.getByRole('radio').count(), 0, 'nothing more can be done');
    const facts = page.locator('section[aria-labelledby="cred-summary"] .facts');
    await facts.getByText('Đã thu hồi').waitFor();
    await facts.getByText('Cấp nhầm người nhận; theo Quyết định 99/QĐ-THPT').waitFor();
    await page.locator('#announcer').getByText('Đã thu hồi văn bằng.').waitFor();
    await shot(page, 'cred-revoked.png', { fullPage: true });
    noProblems(page);
  } finally {
    await close(page);
  }
});

test('signed out, /verify?id= (the QR code) shows the revoked credential as revoked', async () => {
  const page = await open();
  try {
    await page.goto(`${server.base}/verify?id=${issued['CVA-2026-002']}`);
    await live(page).getByRole('heading', { name: 'Đã bị thu hồi: văn bằng không còn giá trị' }).waitFor();
    assert.equal(await page.locator('.verdict').getAttribute('data-verdict'), 'revoked');
    assert.equal(await check(page, 'status').getAttribute('data-status'), 'fail');
    await check(page, 'status').getByText('Không đạt').waitFor();
    await check(page, 'status').getByText('Văn bằng đã bị THU HỒI.').waitFor();
    assert.equal(await check(page, 'proof').getAttribute('data-status'), 'pass', 'the signature itself is fine');
    const facts = page.locator('.verify-facts');
    await facts.getByText('Trần Thị Bình').waitFor();
    await facts.getByText('Trường THPT Chu Văn An').waitFor();
    assert.deepEqual(await page.context().cookies(), [], 'no session: verification is public');
    await shot(page, 'verify-revoked-vi.png', { fullPage: true });
    // An unknown id.
    await page.goto(`${server.base}/verify?id=00000000-0000-4000-8000-000000000000`);
    await live(page).getByRole('heading', { name: 'Không tìm thấy văn bằng' }).waitFor();
    noProblems(page);
  } finally {
    await close(page);
  }
});

test('signed out: a valid credential pasted, then opened from a file; the holder\'s ID number is compared in the browser', async () => {
  const admin = await server.login('admin');
  const an = await admin.get(`/api/v1/credentials/${issued['CVA-2026-001']}`);
  issued.docAn = an.body.document;
  const page = await open();
  try {
    await page.goto(server.base + '/verify');
    await pasteAndVerify(page, issued.docAn);
    await live(page).getByRole('heading', { name: 'Hợp lệ, nhưng đơn vị cấp chưa được công nhận' }).waitFor();
    assert.equal(await check(page, 'trust').getAttribute('data-status'), 'warn');
    await check(page, 'trust').getByText('Lưu ý').waitFor();
    await shot(page, 'verify-untrusted-vi.png', { fullPage: true });

    // The school is accredited (by the ministry, through the API here): now fully valid, from a file.
    const put = await admin.req('PUT', '/api/v1/trust-registry/THPT-CVA', { from: '2020-01-01', types: ['diploma'] });
    assert.equal(put.status, 200);
    await page.getByRole('button', { name: 'Kiểm tra văn bằng khác' }).click();
    assert.equal(await page.locator('#verify-result').isHidden(), true);
    assert.equal(await page.inputValue('#verify-text'), '');
    await page.setInputFiles('#verify-file', { name: 'bang-tot-nghiep.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(issued.docAn)) });
    await live(page).getByRole('heading', { name: 'Văn bằng hợp lệ' }).waitFor();
    await page.getByText('Tệp đã chọn: bang-tot-nghiep.json').waitFor();
    for (const c of ['syntax', 'schema', 'proof', 'issuer_key', 'trust', 'status', 'validity']) {
      assert.equal(await check(page, c).getAttribute('data-status'), 'pass', `${c} passes`);
    }
    await check(page, 'proof').getByText('Chữ ký số hợp lệ').waitFor();
    const facts = page.locator('.verify-facts');
    await facts.getByText('Nguyễn Văn An').waitFor();
    await facts.getByText('Bằng tốt nghiệp THPT').waitFor();

    // The holder's ID number: the format, a wrong number, the right one; nothing is sent.
    const sent = [];
    page.on('request', (r) => sent.push(`${r.url()} ${r.postData() || ''}`));
    const idBox = page.getByLabel('Số định danh cá nhân');
    await idBox.fill('12345');
    await page.getByRole('button', { name: 'Đối chiếu' }).click();
    await page.locator('#holder-id-error').getByText('Vui lòng nhập đủ 12 chữ số của số định danh.').waitFor();
    await idBox.fill('001208099999');
    await page.getByRole('button', { name: 'Đối chiếu' }).click();
    await page.locator('#holder-status').getByText('Không khớp', { exact: false }).waitFor();
    await idBox.fill('001 208 012 345');
    await page.getByRole('button', { name: 'Đối chiếu' }).click();
    await page.locator('#holder-status').getByText('Khớp: văn bằng được cấp cho người có số định danh này.').waitFor();
    assert.equal(sent.filter((s) => s.includes('001208012345') || s.includes('001208099999')).length, 0, 'the ID number stays in the browser');
    await shot(page, 'verify-valid-vi.png', { fullPage: true });
    noProblems(page);
  } finally {
    await close(page);
  }
});

test('signed out: a tampered credential (the holder\'s name changed) is invalid: the proof check fails; English shows English', async () => {
  const forged = JSON.parse(JSON.stringify(issued.docAn));
  const nameId = forged.credentialSubject.identifier.find((x) => x.identityType === 'name');
  nameId.identityHash = 'Nguyễn Văn Anh';
  const page = await open();
  try {
    await page.goto(server.base + '/verify');
    await pasteAndVerify(page, forged);
    await live(page).getByRole('heading', { name: 'Văn bằng không hợp lệ' }).waitFor();
    assert.equal(await page.locator('.verdict').getAttribute('data-verdict'), 'invalid');
    assert.equal(await check(page, 'proof').getAttribute('data-status'), 'fail');
    await check(page, 'proof').getByText('Không đạt').waitFor();
    await check(page, 'proof').getByText('Chữ ký số không hợp lệ', { exact: false }).waitFor();
    // The icon has a shape of its own, not just a colour.
    const icon = await check(page, 'proof').locator('.check__icon').evaluate((el) => ({
      cls: el.className, before: getComputedStyle(el, '::before').transform, hidden: el.getAttribute('aria-hidden'),
    }));
    assert.match(icon.cls, /icon--fail/);
    assert.notEqual(icon.before, 'none', 'a drawn cross');
    assert.equal(icon.hidden, 'true');
    await shot(page, 'verify-tampered-vi.png', { fullPage: true });

    // English: the page, the verdict and the checks' sentences.
    await page.getByRole('button', { name: 'English' }).click();
    await page.waitForFunction(() => document.documentElement.lang === 'en');
    await page.getByRole('heading', { level: 1, name: 'Verify a digital credential' }).waitFor();
    await live(page).getByRole('heading', { name: 'Invalid credential' }).waitFor();
    await check(page, 'proof').getByText('Digital signature', { exact: true }).waitFor();
    await check(page, 'proof').getByText('Failed').waitFor();
    await check(page, 'proof').getByText('The digital signature is not valid', { exact: false }).waitFor();
    await page.getByRole('heading', { name: "Check the holder's ID number" }).waitFor();
    assert.equal(await page.getByRole('button', { name: 'English' }).getAttribute('aria-pressed'), 'true');
    assert.equal(await page.evaluate(() => localStorage.getItem('edudx.lang')), 'en');
    assert.match(await page.title(), /Verify a digital credential/);
    await shot(page, 'verify-tampered-en.png', { fullPage: true });
    // The language stays for the next page.
    await page.goto(`${server.base}/verify?id=${issued['CVA-2026-002']}`);
    await live(page).getByRole('heading', { name: 'Revoked: this credential is no longer valid' }).waitFor();
    await check(page, 'status').getByText('The credential has been REVOKED.').waitFor();
    noProblems(page);
  } finally {
    await close(page);
  }
});

test('/verify fits a 360 px phone in Vietnamese and English', async () => {
  for (const lang of ['vi', 'en']) {
    const page = await open(PHONE);
    try {
      if (lang === 'en') await page.addInitScript(() => localStorage.setItem('edudx.lang', 'en'));
      await page.goto(`${server.base}/verify?id=${issued['CVA-2026-001']}`);
      await live(page).getByRole('heading', { name: lang === 'vi' ? 'Văn bằng hợp lệ' : 'Valid credential' }).waitFor();
      await noHorizontalScroll(page, `/verify at 360 px (${lang})`);
      assert.deepEqual(await smallTargets(page), [], `small touch targets on /verify (${lang})`);
      await shot(page, `phone-verify-360-${lang}.png`, { fullPage: true });
      await shot(page, `phone-verify-360-${lang}-top.png`);
      noProblems(page);
    } finally {
      await close(page);
    }
  }
  const page = await open(PHONE);
  try {
    await page.goto(`${server.base}/verify`);
    await page.getByRole('heading', { level: 1, name: 'Kiểm tra văn bằng số' }).waitFor();
    await noHorizontalScroll(page, 'empty /verify at 360 px');
    assert.deepEqual(await smallTargets(page), [], 'small touch targets on the empty /verify');
    await shot(page, 'phone-verify-360-empty.png', { fullPage: true });
  } finally {
    await close(page);
  }
});

test('admin rotates a unit\'s signing key after a confirmation; earlier credentials still verify', async () => {
  const page = await adminPage();
  try {
    await page.goto(server.base + '/#/units/THPT-CVA');
    await page.getByRole('heading', { level: 1, name: 'Trường THPT Chu Văn An' }).waitFor();
    await page.getByRole('link', { name: 'Khóa ký số' }).click();
    await page.waitForURL(/#\/units\/THPT-CVA\/keys$/);
    await page.getByRole('heading', { level: 1, name: 'Khóa ký số' }).waitFor();
    const rows = page.locator('table.keys-table tbody tr');
    await rows.first().waitFor();
    assert.equal(await rows.count(), 1);
    await rows.first().getByText('Đang dùng').waitFor();
    await page.getByRole('button', { name: 'Đổi khóa ký' }).click();
    const dialog = page.getByRole('alertdialog', { name: 'Đổi khóa ký của Trường THPT Chu Văn An?' });
    await dialog.getByRole('button', { name: 'Đổi khóa', exact: true }).click();
    await page.locator('#view').getByText('Đã đổi sang khóa ký mới.').waitFor();
    assert.equal(await rows.count(), 2);
    assert.deepEqual(await rows.locator('.status').allTextContents(), ['Đang dùng', 'Đã ngừng dùng']);
    await shot(page, 'keys.png', { fullPage: true });
    const anon = server.client();
    const v = await anon.post('/api/v1/verify', issued.docAn);
    assert.equal(v.body.verified, true, 'signed before the rotation: still valid');
    noProblems(page);
  } finally {
    await close(page);
  }
});

test('the ministry edits the trust registry; a unit admin only reads it', async () => {
  const page = await adminPage();
  try {
    await page.getByRole('navigation', { name: 'Chức năng' }).getByRole('link', { name: 'Đơn vị được công nhận' }).click();
    await page.getByRole('heading', { level: 1, name: 'Đơn vị được công nhận cấp văn bằng' }).waitFor();
    const row = page.locator('table.trust-table tbody tr[data-unit="THPT-CVA"]');
    await row.getByText('Bằng tốt nghiệp THPT').waitFor();
    assert.equal(await page.locator('#trust-export').getAttribute('href'), '/api/v1/trust-registry:export');
    const [dl] = await Promise.all([page.waitForEvent('download'), page.locator('#trust-export').click()]);
    const reg = JSON.parse(readFileSync(await dl.path(), 'utf8'));
    assert.ok(reg.proof && reg.credentialSubject.issuers.some((i) => i.unit === 'THPT-CVA'), 'the signed export lists the school');

    // Accredit the Hà Nội Department for every type, with a decision.
    const form = page.locator('#trust-form');
    await form.getByLabel('Đơn vị', { exact: true }).fill('SGDDT-HA-NOI');
    await form.getByLabel('Công nhận từ ngày').fill('2025-07-01');
    await form.getByLabel('Đến ngày (không bắt buộc)').fill('2025-01-01');
    await form.getByRole('button', { name: 'Lưu' }).click();
    await form.getByText('Ngày kết thúc không được trước ngày bắt đầu.').waitFor();
    await form.getByLabel('Đến ngày (không bắt buộc)').fill('');
    await form.getByLabel('Quyết định công nhận (không bắt buộc)').fill('1234/QĐ-BGDĐT ngày 01/07/2025');
    const answer = page.waitForResponse((r) => r.url().endsWith('/api/v1/trust-registry/SGDDT-HA-NOI'));
    await form.getByRole('button', { name: 'Lưu' }).click();
    const r = await answer;
    assert.equal(r.request().method(), 'PUT');
    assert.ok(r.request().headers()['x-csrf-token']);
    assert.equal(r.status(), 200);
    const hn = page.locator('table.trust-table tbody tr[data-unit="SGDDT-HA-NOI"]');
    await hn.getByText('1234/QĐ-BGDĐT ngày 01/07/2025').waitFor();
    await hn.getByText('Tất cả').waitFor();
    await hn.getByText('Không thời hạn').waitFor();
    await page.locator('#view').getByText('Đã lưu thông tin công nhận Sở Giáo dục và Đào tạo Hà Nội.').waitFor();

    // Edit the school's entry: add transcripts.
    await row.getByRole('button', { name: 'Sửa' }).click();
    await page.getByRole('heading', { name: 'Sửa thông tin công nhận của Trường THPT Chu Văn An' }).waitFor();
    assert.equal(await form.getByLabel('Đơn vị', { exact: true }).getAttribute('readonly'), '');
    await form.getByLabel('Học bạ số').check();
    await form.getByRole('button', { name: 'Lưu' }).click();
    await row.getByText('Bằng tốt nghiệp THPT, Học bạ số').waitFor();
    await shot(page, 'trust.png', { fullPage: true });

    // Remove the Department, after a confirmation.
    await hn.getByRole('button', { name: 'Gỡ bỏ' }).click();
    await page.getByRole('alertdialog', { name: 'Gỡ Sở Giáo dục và Đào tạo Hà Nội khỏi danh sách?' }).getByRole('button', { name: 'Gỡ bỏ' }).click();
    await page.locator('#view').getByText('Đã gỡ Sở Giáo dục và Đào tạo Hà Nội khỏi danh sách.').waitFor();
    assert.equal(await hn.count(), 0);
    noProblems(page);
  } finally {
    await close(page);
  }
  const unit = await open();
  try {
    await signIn(unit, server.base, 'hanoi.admin');
    await unit.goto(server.base + '/#/trust');
    await unit.locator('table.trust-table tbody tr[data-unit="THPT-CVA"]').waitFor();
    await unit.getByText('Chỉ quản trị viên cấp Bộ được thay đổi danh sách này.').waitFor();
    assert.equal(await unit.getByRole('button', { name: 'Sửa' }).count(), 0);
    // Its own scope: the school's credentials, not another department's.
    await unit.goto(server.base + '/#/credentials');
    await unit.locator('table.cred-table tbody tr').nth(2).waitFor();
    await unit.goto(server.base + '/#/credentials?issuer=SGDDT-HO-CHI-MINH');
    await unit.getByText('Không có đơn vị SGDDT-HO-CHI-MINH trong phạm vi của bạn.').waitFor();
    noProblems(unit);
  } finally {
    await close(unit);
  }
});

test('a teacher has no credentials section; the address says access is denied', async () => {
  const page = await open();
  try {
    await signIn(page, server.base, 'teacher');
    assert.equal(await page.locator('#side-nav').isHidden(), true);
    await page.goto(server.base + '/#/credentials');
    await page.getByRole('heading', { level: 1, name: 'Không có quyền truy cập' }).waitFor();
    await page.getByText('Chỉ quản trị viên được quản lý văn bằng số.').waitFor();
    noProblems(page);
  } finally {
    await close(page);
  }
});

test('the credentials section in English, and on a phone', async () => {
  const page = await adminPage();
  try {
    await page.locator('#user-menu-button').click();
    await page.locator('#user-menu-panel').getByRole('button', { name: 'English' }).click();
    await page.keyboard.press('Escape');
    await page.goto(`${server.base}/#/credentials/${issued['CVA-2026-002']}`);
    await page.getByRole('heading', { name: 'Revoke, suspend or reinstate' }).waitFor();
    await page.getByText('This credential has been revoked. Revocation is final.').waitFor();
    await page.getByRole('link', { name: 'Download PDF' }).waitFor();
    await page.goto(server.base + '/#/credentials/issue');
    await page.getByRole('heading', { level: 1, name: 'Issue credentials in a batch' }).waitFor();
    await page.getByRole('button', { name: 'Check the file (issue nothing)' }).waitFor();
    await shot(page, 'cred-issue-en.png', { fullPage: true });
    noProblems(page);
  } finally {
    await close(page);
  }
  const phone = await open(PHONE);
  try {
    await signIn(phone, server.base, 'admin');
    await phone.goto(server.base + '/#/credentials?issuer=THPT-CVA');
    await phone.locator('table.cred-table tbody tr').nth(2).waitFor();
    await noHorizontalScroll(phone, 'credentials at 360 px');
    await shot(phone, 'phone-cred-list-360.png', { fullPage: true });
    await phone.goto(`${server.base}/#/credentials/${issued['CVA-2026-001']}`);
    await phone.getByRole('heading', { level: 1, name: 'Nguyễn Văn An' }).waitFor();
    await noHorizontalScroll(phone, 'a credential at 360 px');
    assert.deepEqual(await smallTargets(phone), [], 'small touch targets on a credential');
    await shot(phone, 'phone-cred-detail-360.png', { fullPage: true });
    noProblems(phone);
  } finally {
    await close(phone);
  }
});

// ---- run ----------------------------------------------------------------------------

await runSuite(SUITE, chromium, async (ctx) => {
  ctx.store = store = seededStore();
  ctx.server = server = await new Server(store).start();
}, (ctx) => {
  ({ browser, pages } = ctx);
});
