// kill -9 and credentials:
//  (a) `edudx credential issue` of a 100,000-row diploma batch killed at random moments
//      spread over the run, then rerun to completion: every row issued exactly once, status
//      slots unique, nothing half-written, and every stored credential verifies;
//  (b) the server killed right after answering 200 to a revocation, again and again: after
//      each restart the revocation is there (POST /api/v1/verify and GET /status/...).
// Sizes: EDX_CRASH_ROWS (100000), EDX_CRASH_KILLS (20), EDX_CRASH_LOOPS (20).
import { spawn, spawnSync } from 'node:child_process';
import { writeFileSync, readFileSync, openSync, closeSync, rmSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { test, assert, run } from '../lib/harness.mjs';
import { freshStore, seededStore, Server, Client, cli, sqlite, ROOT, BIN } from '../lib/server.mjs';

const ROWS = Number(process.env.EDX_CRASH_ROWS || 100000);
const KILLS = Number(process.env.EDX_CRASH_KILLS || 20);
const LOOPS = Number(process.env.EDX_CRASH_LOOPS || 20);
const stores = [];
const children = new Set();

// A store with the demo units (no accounts: `credential issue` runs as the CLI).
function unitStore() {
  const s = freshStore();
  stores.push(s);
  let r = cli(s, ['init']);
  if (r.status !== 0) throw new Error('init: ' + r.stderr);
  r = cli(s, ['units', 'import', path.join(ROOT, 'data/demo/units.csv')]);
  if (r.status !== 0) throw new Error('units import: ' + r.stderr);
  return s;
}

// The batch: unique external ids in CSV order (B-000000 …) and valid ID numbers
// (province 001, century digit 2, year 08, a 6-digit counter).
const extId = (i) => `B-${String(i).padStart(6, '0')}`;
function writeBatch(file) {
  const F = ['Nguyễn', 'Trần', 'Lê', 'Phạm', 'Hoàng', 'Vũ', 'Đặng', 'Bùi', 'Đỗ', 'Hồ'];
  const M = ['Văn', 'Thị', 'Minh', 'Ngọc', 'Thu', 'Đức', 'Hải', 'Quốc', 'Thanh', 'Bảo'];
  const L = ['An', 'Bình', 'Chi', 'Dũng', 'Giang', 'Hà', 'Khánh', 'Linh', 'Nam', 'Tuyết'];
  const C = ['Xuất sắc', 'Giỏi', 'Khá', 'Trung bình khá', 'Trung bình'];
  const lines = ['external_id,id_number,full_name,birth_date,graduation_year,classification,decision_number,decision_date'];
  for (let i = 0; i < ROWS; i++) {
    const nid = `0012${'08'}${String(i % 1000000).padStart(6, '0')}`;
    const name = `${F[i % 10]} ${M[Math.floor(i / 10) % 10]} ${L[Math.floor(i / 100) % 10]}`;
    const day = String(1 + (i % 28)).padStart(2, '0');
    lines.push(`${extId(i)},${nid},${name},2008-05-${day},2026,${C[i % 5]},123/QĐ-SGDĐT,2026-06-30`);
  }
  writeFileSync(file, lines.join('\n') + '\n');
  return file;
}

const issueArgs = (csv) => ['credential', 'issue', '--issuer', 'THPT-CVA', '--type', 'diploma', '--csv', csv];

// Start a batch issue; `marks` collects its progress lines ({t: ms since start, d: records
// done}, one per committed chunk), and onProgress(d) is called on each.
function startIssue(store, csv, onProgress = () => {}) {
  const t0 = Date.now();
  const child = spawn(BIN, issueArgs(csv), { env: { ...store.env, EDX_PROGRESS: '1' }, stdio: ['ignore', 'ignore', 'pipe'] });
  children.add(child);
  let err = '';
  const marks = [];
  child.stderr.on('data', (d) => {
    err += d;
    const re = /issuing: (\d+)\/\d+/g;
    re.lastIndex = Math.max(0, err.length - d.length - 40);
    for (let m; (m = re.exec(err));) {
      const done = Number(m[1]);
      if (marks.length && marks[marks.length - 1].d >= done) continue;
      marks.push({ t: Date.now() - t0, d: done });
      onProgress(done);
    }
  });
  const exited = new Promise((resolve) => child.on('close', (code, sig) => {
    children.delete(child);
    resolve({ code, sig, err });
  }));
  return { child, exited, marks };
}

function one(store, sql) {
  return sqlite(store.db, sql).trim();
}

// ---- (a) batch issue ---------------------------------------------------------------------------

test(`kill -9 of a ${ROWS}-row diploma batch at ${KILLS} random moments, then a rerun: each row exactly once`, async () => {
  const started = Date.now();
  const phases = [];
  let mark = started;
  const phase = (name) => { const now = Date.now(); phases.push(`${name} ${((now - mark) / 1000).toFixed(1)} s`); mark = now; };
  const store = unitStore();
  const csv = writeBatch(path.join(store.dir, 'batch.csv'));

  // One full run, uninterrupted, in a store of its own: how long does the batch take?
  const probe = unitStore();
  let t0 = Date.now();
  const full = cli(probe, ['--json', ...issueArgs(csv)]);
  const took = Date.now() - t0;
  assert.equal(full.status, 0, full.stderr);
  assert.equal(JSON.parse(full.stdout).issued, ROWS);
  probe.cleanup();
  stores.splice(stores.indexOf(probe), 1);
  // The part of a run before issuing starts (reading and checking every row).
  t0 = Date.now();
  assert.equal(cli(store, [...issueArgs(csv), '--dry-run']).status, 0);
  const pre = Date.now() - t0;
  const work = Math.max(took - pre, 100);
  phase('measuring');

  // Kill points spread over the issuing part of the run. Each rerun first re-reads the file and
  // each kill loses the chunk in flight, and the machine's speed varies, so the plan is redone
  // after every kill: the remaining kills at random points of the remaining work, its duration
  // estimated from the full run and then from the progress lines of the killed runs. Should a
  // run reach its last chunk anyway, it is killed there (counted as "at the last chunk").
  // kMs: time per 1,000 rows; chunk: rows per commit, learned from the progress lines.
  let kMs = work / Math.ceil(ROWS / 1000), startMs = pre, chunk = 4096;
  let killed = 0, finishedEarly = 0, atLast = 0, have = 0;
  const progress = [];
  for (let i = 0; i < KILLS; i++) {
    const left = kMs * (ROWS - have) / 1000;
    const delay = startMs + Math.random() * Math.min(1.8 * left / (KILLS - i), 0.8 * left);
    let guard = false;
    const { child, exited, marks } = startIssue(store, csv, (d) => {
      if (d >= ROWS - chunk && !guard) {
        guard = true;
        child.kill('SIGKILL');
      }
    });
    let timer;
    await Promise.race([new Promise((r) => { timer = setTimeout(r, delay); }), exited]);
    clearTimeout(timer);
    child.kill('SIGKILL');
    const { code, sig, err } = await exited;
    if (sig === 'SIGKILL') {
      killed++;
      if (guard) atLast++;
    } else {
      assert.equal(code, 0, err);
      finishedEarly++;
    }
    // What is committed is a prefix of the file, whole chunks at a time, never less than before.
    const [n, max] = one(store, "SELECT COUNT(*) || '|' || COALESCE(MAX(external_id), '') FROM credentials").split('|');
    const count = Number(n);
    assert.ok(count >= have, `kill ${i}: ${count} credentials after ${have}`);
    assert.equal(max, count ? extId(count - 1) : '', `kill ${i}: the committed rows are not a prefix of the file`);
    // Learn the speed: the time between chunk commits, and until the first new one.
    const fresh = marks.filter((m) => m.d > have);
    if (fresh.length >= 1) chunk = Math.max(1, fresh[0].d - have);
    if (fresh.length >= 2) {
      const a = fresh[0], b = fresh[fresh.length - 1];
      kMs = (kMs + (b.t - a.t) / ((b.d - a.d) / 1000)) / 2;
    }
    if (fresh.length >= 1) startMs = (startMs + Math.max(0, fresh[0].t - kMs * chunk / 1000)) / 2;
    have = count;
    progress.push(count);
  }
  console.log(`  # one full run ${took} ms (reading and checking ${pre} ms); ${killed} kills, ` +
    `${atLast} at the last chunk, ${finishedEarly} runs finished first; committed after each kill: ${progress.join(' ')}`);
  assert.ok(killed >= KILLS, `only ${killed} of ${KILLS} runs were killed`);
  assert.ok(have < ROWS, 'every row was issued before the last kill: the kills came too late');

  phase('kills');
  // The rerun issues exactly what is missing.
  const last = cli(store, ['--json', ...issueArgs(csv)]);
  assert.equal(last.status, 0, last.stderr);
  const rep = JSON.parse(last.stdout);
  assert.equal(rep.existing, have);
  assert.equal(rep.issued, ROWS - have);
  assert.equal(rep.invalid, 0);

  phase('rerun');
  // The store: exactly ROWS credentials, ids and status slots unique, documents consistent.
  // (quick_check: integrity_check takes seconds more on 400 MB; uniqueness is checked below,
  // on the table itself, not through the unique indexes.)
  assert.equal(one(store, 'PRAGMA quick_check'), 'ok');
  assert.equal(one(store, 'SELECT COUNT(*) FROM credentials'), String(ROWS));
  assert.equal(one(store, 'SELECT COUNT(DISTINCT external_id) FROM credentials NOT INDEXED'), String(ROWS));
  assert.equal(one(store, "SELECT COUNT(*) FROM credentials WHERE external_id NOT LIKE 'B-%'"), '0');
  assert.equal(one(store, 'SELECT COUNT(*) FROM (SELECT 1 FROM credentials NOT INDEXED GROUP BY unit_id, external_id HAVING COUNT(*) > 1)'), '0');
  assert.equal(one(store, 'SELECT COUNT(*) FROM (SELECT 1 FROM credentials NOT INDEXED GROUP BY list_id, list_index HAVING COUNT(*) > 1)'), '0');
  assert.equal(one(store, 'SELECT COUNT(DISTINCT uid) FROM credentials NOT INDEXED'), String(ROWS));
  assert.equal(one(store,
    'SELECT COUNT(*) FROM credentials c JOIN cred_status_lists l ON l.id = c.list_id WHERE ' +
    'c.list_index < 0 OR c.list_index >= l.size'), '0', 'a status index is outside its list');
  // Killed transactions leave nothing behind: no status slots handed out, no extra keys.
  assert.equal(one(store, 'SELECT SUM(next_slot) FROM cred_status_lists'), String(ROWS), 'status slots leaked');
  assert.equal(one(store, 'SELECT COUNT(*) FROM cred_keys'), '1');
  // The audit log: intact, and its chunk records add up to the batch.
  assert.equal(one(store, "SELECT SUM(json_extract(detail, '$.count')) FROM audit_log WHERE action = 'credential.issue'"), String(ROWS));
  const av = cli(store, ['audit', 'verify']);
  assert.equal(av.status, 0, av.stdout + av.stderr);

  phase('store checks');
  // Every stored credential verifies (offline: the registry export and the status lists).
  let r = cli(store, ['trust', 'add', 'THPT-CVA', '--from', '2025-01-01', '--types', 'diploma']);
  assert.equal(r.status, 0, r.stderr);
  const trust = path.join(store.dir, 'trust.json'), status = path.join(store.dir, 'status');
  assert.equal(cli(store, ['trust', 'export', '--out', trust]).status, 0);
  assert.equal(cli(store, ['credential', 'status-export', '--out', status]).status, 0);
  const dump = path.join(store.dir, 'all.jsonl'), report = path.join(store.dir, 'verify.txt');
  // Documents are stored compressed: `credential export` writes them out as signed JSON lines.
  r = cli(store, ['credential', 'export', '--out', dump]);
  assert.equal(r.status, 0, r.stderr);
  {
    // Each document agrees with its row: id, status index and status list.
    const q = spawnSync('sqlite3', [store.db,
      "SELECT c.uid || ' ' || c.list_index || ' ' || l.seq FROM credentials c JOIN cred_status_lists l ON l.id = c.list_id"],
    { encoding: 'utf8', maxBuffer: 1 << 28 });
    assert.equal(q.status, 0, q.stderr);
    const rows = new Map(q.stdout.trim().split('\n').map((l) => { const [u, i, s] = l.split(' '); return [u, [i, s]]; }));
    let checked = 0;
    const text = readFileSync(dump, 'utf8');
    for (let at = 0; at < text.length;) {
      const nl = text.indexOf('\n', at);
      const doc = JSON.parse(text.slice(at, nl < 0 ? text.length : nl));
      at = nl < 0 ? text.length : nl + 1;
      const row = rows.get(doc.id.replace('urn:uuid:', ''));
      assert.ok(row, `${doc.id} has no row`);
      const st = doc.credentialStatus[0];
      assert.equal(st.statusListIndex, row[0], 'a document disagrees with its row');
      assert.ok(st.statusListCredential.endsWith(`/status/THPT-CVA/${row[1]}/revocation`));
      checked++;
    }
    assert.equal(checked, ROWS);
  }
  let fd;
  fd = openSync(report, 'w');
  r = spawnSync(BIN, ['credential', 'verify', '--trust', trust, '--status-dir', status, '--require-trusted', dump],
    { env: store.env, stdio: ['ignore', fd, 'pipe'], encoding: 'utf8', timeout: 600000 });
  closeSync(fd);
  rmSync(dump, { force: true });
  const lines = readFileSync(report, 'utf8').split('\n');
  const valid = lines.filter((l) => /^\S+:\d+: VALID /.test(l)).length;
  const bad = lines.filter((l) => /^\S+:\d+: (INVALID|UNTRUSTED)/.test(l));
  assert.deepEqual(bad.slice(0, 5), [], `${bad.length} credentials do not verify`);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(valid, ROWS);
  rmSync(report, { force: true });
  phase('verifying');
  console.log(`  # ${phases.join(', ')}`);
});

// ---- (b) revocation durability -------------------------------------------------------------------

function statusBit(list, index) {
  const bits = gunzipSync(Buffer.from(list.credentialSubject.encodedList.slice(1), 'base64url'));
  return (bits[index >> 3] >> (7 - (index % 8))) & 1;
}

test(`kill -9 of the server right after each revocation's 200, ${LOOPS} times: the revocation stays`, async () => {
  const store = seededStore();
  stores.push(store);
  const N = LOOPS + 5;
  const lines = ['external_id,id_number,full_name,birth_date,graduation_year,classification,decision_number,decision_date'];
  for (let i = 0; i < N; i++) {
    lines.push(`R-${i},079208${String(500000 + i).padStart(6, '0')},Trần Thị Mai,2008-01-15,2026,Giỏi,77/QĐ-SGDĐT,2026-06-30`);
  }
  writeFileSync(path.join(store.dir, 'r.csv'), lines.join('\n') + '\n');
  const jsonl = path.join(store.dir, 'r.jsonl');
  let r = cli(store, [...issueArgs(path.join(store.dir, 'r.csv')), '--jsonl', jsonl]);
  assert.equal(r.status, 0, r.stderr);
  const creds = readFileSync(jsonl, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  assert.equal(creds.length, N);
  const entry = (c) => c.credentialStatus.find((e) => e.statusPurpose === 'revocation');
  const listPath = new URL(entry(creds[0]).statusListCredential).pathname;
  assert.ok(creds.every((c) => new URL(entry(c).statusListCredential).pathname === listPath));
  r = cli(store, ['--json', 'token', 'create', '--user', 'hanoi.admin', '--scope', 'write', '--name', 'crash']);
  assert.equal(r.status, 0, r.stderr);
  const token = JSON.parse(r.stdout).token;

  let srv = await new Server(store).start();
  try {
    for (let i = 0; i < LOOPS; i++) {
      const c = creds[i];
      const res = await fetch(`${srv.base}/api/v1/credentials/${encodeURIComponent(c.id)}/revoke`, {
        method: 'POST',
        headers: { authorization: 'Bearer ' + token, 'content-type': 'application/json' },
        body: JSON.stringify({ reason: `Thu hồi lần ${i}: cấp nhầm` }),
      });
      // The answer's status line is in: kill before anything else happens.
      if (res.status === 200) srv.proc.kill('SIGKILL');
      assert.equal(res.status, 200, `loop ${i}: ${res.status} ${await res.text().catch(() => '')}`);
      const { sig } = await srv.exited;
      assert.equal(sig, 'SIGKILL');
      srv = await new Server(store).start();

      const rep = await new Client(srv.base).post('/api/v1/verify', c);
      assert.equal(rep.status, 200);
      assert.equal(rep.body.verified, false, `loop ${i}: revoked credential verifies`);
      const st = rep.body.checks.find((x) => x.check === 'status');
      assert.equal(st.code, 'revoked', `loop ${i}: ${JSON.stringify(st)}`);
      const list = await new Client(srv.base).get(listPath);
      assert.equal(list.status, 200);
      for (let j = 0; j < N; j++) {
        assert.equal(statusBit(list.body, Number(entry(creds[j]).statusListIndex)), j <= i ? 1 : 0,
          `loop ${i}: bit of credential ${j}`);
      }
      const next = await new Client(srv.base).post('/api/v1/verify', creds[i + 1]);
      assert.equal(next.body.verified, true, `loop ${i}: an unrevoked credential fails`);
    }
  } finally {
    await srv.stop();
  }
  // The store after all that: intact, audited, and the offline check agrees.
  assert.equal(one(store, 'PRAGMA integrity_check'), 'ok');
  assert.equal(cli(store, ['audit', 'verify']).status, 0);
  assert.equal(one(store, "SELECT COUNT(*) FROM credentials WHERE status = 'revoked'"), String(LOOPS));
  assert.equal(one(store, "SELECT COUNT(*) FROM audit_log WHERE action = 'credential.revoke'"), String(LOOPS));
  const status = path.join(store.dir, 'status');
  assert.equal(cli(store, ['credential', 'status-export', '--out', status]).status, 0);
  const v = cli(store, ['--json', 'credential', 'verify', '--status-dir', status, jsonl]);
  assert.equal(v.status, 1);
  const reps = v.stdout.trim().split('\n').map((l) => JSON.parse(l));
  assert.deepEqual(reps.map((x) => x.verified), creds.map((_, j) => j >= LOOPS));
});

let failed = 1;
try {
  failed = await run('crash-credentials');
} finally {
  for (const c of children) c.kill('SIGKILL');
  for (const s of stores) s.cleanup();
}
process.exitCode = failed ? 1 : 0;
