// The command line: help, exit codes, imports, accounts, tokens, people,
// audit tampering, backup and restore.
import { readFileSync, writeFileSync, statSync, copyFileSync, existsSync, rmSync } from 'node:fs';
import path from 'node:path';
import { test, assert, run } from '../lib/harness.mjs';
import { seededStore, freshStore, Server, PASSWORD, cli, dbExec, sqlite, ROOT, BIN } from '../lib/server.mjs';

const store = seededStore();
const tmp = (name) => path.join(store.dir, name);
const write = (name, text) => { writeFileSync(tmp(name), text); return tmp(name); };

test('--help works everywhere and exits 0', () => {
  const cmds = [[], ['init'], ['serve'], ['migrate'], ['units'], ['people'], ['user'], ['token'], ['backup'],
    ['audit'], ['routes'], ['credential'], ['trust']];
  for (const c of cmds) {
    const r = cli(store, [...c, '--help']);
    assert.equal(r.status, 0, c.join(' '));
    assert.match(r.stdout, /usage: edudx/, c.join(' '));
  }
  assert.match(cli(store, ['help']).stdout, /Commands:/);
});

test('bad usage exits 2 with a message', () => {
  for (const args of [[], ['frobnicate'], ['units', 'import'], ['units', 'list', '--colour', 'red'], ['user', 'add'],
    ['token', 'create'], ['serve', '--threads', 'many'], ['serve', '--listen'], ['audit'], ['backup'],
    ['--db'], ['--log-level', 'loud', 'routes'], ['units', 'teleport']]) {
    const r = cli(store, args);
    assert.equal(r.status, 2, `${args.join(' ')}: ${r.status} ${r.stderr}`);
    assert.ok(r.stderr.length > 0, args.join(' '));
  }
});

test('init is idempotent and keeps the secret private', () => {
  const s = freshStore();
  assert.equal(cli(s, ['init']).status, 0);
  const key = readFileSync(s.env.EDX_SECRET_FILE, 'utf8');
  assert.match(key, /^[0-9a-f]{64}\n$/);
  assert.equal(statSync(s.env.EDX_SECRET_FILE).mode & 0o777, 0o600);
  assert.equal(cli(s, ['init']).status, 0);
  assert.equal(readFileSync(s.env.EDX_SECRET_FILE, 'utf8'), key);
  const m = JSON.parse(cli(s, ['--json', 'migrate', '--status']).stdout);
  assert.equal(m.current, m.latest);
  assert.ok(m.latest >= 3);
  s.cleanup();
});

test('two processes migrating a new store at once both succeed', async () => {
  const { spawn } = await import('node:child_process');
  for (let i = 0; i < 10; i++) {
    const s = freshStore();
    const run1 = () => new Promise((res) => {
      const p = spawn(BIN, ['migrate'], { env: s.env, stdio: ['ignore', 'ignore', 'pipe'] });
      let err = '';
      p.stderr.on('data', (d) => { err += d; });
      p.on('exit', (code) => res({ code, err }));
    });
    const out = await Promise.all([run1(), run1()]);
    assert.deepEqual(out.map((o) => o.code), [0, 0], `round ${i}: ${out.map((o) => o.err).join(' | ')}`);
    s.cleanup();
  }
});

test('a store newer than the binary is refused clearly', () => {
  const s = freshStore();
  cli(s, ['init']);
  dbExec(s, "INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, 'future', 0)");
  const r = cli(s, ['units', 'list']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /schema version 999/);
  s.cleanup();
});

test('serve without a secret file fails with a clear message', () => {
  const s = freshStore();
  const r = cli(s, ['serve', '--listen', '127.0.0.1:1']);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /secret file/);
  s.cleanup();
});

test('units import: report, exit codes, dry run, idempotence', () => {
  const good = write('good.csv', 'code,name,type,parent_code,province\nCLI-1,Trường Một,school,SGDDT-HUE,hue\nCLI-2,Trường Hai,school,CLI-1,hue\n');
  const dry = cli(store, ['units', 'import', good, '--dry-run']);
  assert.equal(dry.status, 0);
  assert.match(dry.stdout, /dry run, nothing written: 2 rows: 2 created/);
  assert.equal(cli(store, ['units', 'show', 'CLI-1']).status, 2);
  const r = cli(store, ['--json', 'units', 'import', good]);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout).created, 2);
  assert.match(r.stderr, /writing units: 2\/2/);
  assert.match(cli(store, ['units', 'import', good]).stdout, /0 created, 0 updated, 2 unchanged/);
  const bad = write('bad.csv', 'code,name,type,parent_code\nCLI-3,,school,CLI-1\nCLI-4,Tên,school,NOPE\n');
  const b = cli(store, ['units', 'import', bad]);
  assert.equal(b.status, 2);
  assert.match(b.stderr, /row 2, column name: name must not be empty/);
  assert.match(b.stderr, /row 3, column parent_code: parent_code NOPE is not a known unit/);
  assert.equal(cli(store, ['units', 'show', 'CLI-4']).status, 2);
  const missing = cli(store, ['units', 'import', tmp('nope.csv')]);
  assert.equal(missing.status, 2);
  assert.match(missing.stderr, /cannot read/);
});

test('units export and list', () => {
  const out = tmp('export.csv');
  assert.equal(cli(store, ['units', 'export', out, '--under', 'SGDDT-HUE']).status, 0);
  const text = readFileSync(out, 'utf8');
  assert.match(text, /^code,name,type,parent_code,province,status,name_en\r\n/);
  assert.match(text, /CLI-2,Trường Hai,school,CLI-1,hue,active,/);
  assert.match(cli(store, ['units', 'import', out]).stdout, /0 created, 0 updated/);
  const list = JSON.parse(cli(store, ['--json', 'units', 'list', '--parent', 'SGDDT-HUE']).stdout);
  assert.ok(list.units.some((u) => u.code === 'CLI-1'));
  assert.match(cli(store, ['units', 'list', '--q', 'truong hai']).stdout, /CLI-2/);
  assert.equal(JSON.parse(cli(store, ['--json', 'units', 'provinces']).stdout).length, 34);
});

test('user accounts: strength, duplicates, roles, disable', () => {
  assert.equal(cli(store, ['user', 'add', 'cli.weak', '--role', 'teacher', '--unit', 'THPT-CVA'], 'short\n').status, 2);
  const ok = cli(store, ['user', 'add', 'cli.user', '--role', 'teacher', '--unit', 'THPT-CVA', '--display-name', 'Bùi Thị Cúc'], PASSWORD + '\n');
  assert.equal(ok.status, 0, ok.stderr);
  assert.equal(cli(store, ['user', 'add', 'cli.user', '--role', 'teacher', '--unit', 'THPT-CVA'], PASSWORD + '\n').status, 2);
  assert.equal(cli(store, ['user', 'add', 'cli.x', '--role', 'emperor'], PASSWORD + '\n').status, 2);
  assert.equal(cli(store, ['user', 'add', 'cli.y', '--role', 'unit_admin'], PASSWORD + '\n').status, 2);
  assert.equal(cli(store, ['user', 'add', 'Bad Name', '--role', 'reviewer'], PASSWORD + '\n').status, 2);
  assert.match(cli(store, ['user', 'list']).stdout, /cli\.user\s+teacher\s+active\s+THPT-CVA/);
  assert.equal(cli(store, ['user', 'disable', 'cli.user']).status, 0);
  assert.match(cli(store, ['user', 'list']).stdout, /cli\.user\s+teacher\s+disabled/);
  assert.equal(cli(store, ['user', 'enable', 'cli.user']).status, 0);
  assert.equal(cli(store, ['user', 'passwd', 'cli.user'], 'another-good-pass-9\n').status, 0);
  assert.equal(cli(store, ['user', 'disable', 'nobody.at.all']).status, 2);
  const hash = dbExec(store, "SELECT password_hash FROM users WHERE username = 'cli.user'");
  assert.match(hash, /^\$argon2id\$v=19\$m=65536,t=2,p=1\$/);
});

test('tokens: printed once, listed without the secret, revocable', () => {
  const r = cli(store, ['token', 'create', '--user', 'teacher', '--scope', 'read', '--days', '7', '--name', 'báo cáo']);
  assert.equal(r.status, 0, r.stderr);
  const token = r.stdout.trim();
  assert.match(token, /^edx_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/);
  const list = cli(store, ['token', 'list', '--user', 'teacher']);
  assert.ok(!list.stdout.includes(token.slice(21)));
  assert.match(list.stdout, /báo cáo/);
  assert.equal(cli(store, ['token', 'create', '--user', 'teacher', '--days', '9999']).status, 2);
  assert.equal(cli(store, ['token', 'create', '--user', 'teacher', '--scope', 'admin']).status, 2);
  const all = JSON.parse(cli(store, ['--json', 'token', 'list']).stdout).tokens;
  assert.ok(all.some((t) => t.id === token.slice(4, 20)), 'token list without --user lists every token');
  assert.equal(cli(store, ['token', 'revoke', token.slice(4, 20)]).status, 0);
  assert.equal(cli(store, ['token', 'revoke', 'ffffffffffffffff']).status, 2);
});

test('people: ID number from stdin, validated, hashed, found again; never in the file', () => {
  const add = cli(store, ['people', 'add', '--unit', 'THPT-CVA', '--name', 'Ngô Bảo Châu', '--kind', 'teacher'], '001172000111\n');
  assert.equal(add.status, 0, add.stderr);
  assert.equal(JSON.parse(add.stdout).national_id_masked, '********0111');
  assert.equal(cli(store, ['people', 'add', '--unit', 'THPT-CVA', '--name', 'X Y', '--kind', 'teacher'], '001172000111\n').status, 2);
  assert.equal(cli(store, ['people', 'add', '--unit', 'THPT-CVA', '--name', 'X Y', '--kind', 'teacher'], '12345\n').status, 2);
  assert.equal(cli(store, ['people', 'add', '--unit', 'NOPE', '--name', 'X Y', '--kind', 'teacher'], '001172000112\n').status, 2);
  const find = cli(store, ['people', 'find'], '001172000111\n');
  assert.equal(find.status, 0);
  assert.equal(JSON.parse(find.stdout).full_name, 'Ngô Bảo Châu');
  assert.equal(cli(store, ['people', 'find'], '001172000119\n').status, 2);
  dbExec(store, 'PRAGMA wal_checkpoint(TRUNCATE)');
  for (const f of [store.db, store.db + '-wal']) {
    if (!existsSync(f)) continue;
    assert.ok(!readFileSync(f).includes(Buffer.from('001172000111')), f);
  }
});

test('the audit log refuses edits at the database level', () => {
  assert.throws(() => sqlite(store.db, "UPDATE audit_log SET actor = 'someone' WHERE seq = 1"), /append-only/);
  assert.throws(() => sqlite(store.db, 'DELETE FROM audit_log WHERE seq = 1'), /append-only/);
});

// Tamper with a copy of the store and check `audit verify` names the damage.
function tampered(sql) {
  const copy = tmp(`tamper-${Math.random().toString(16).slice(2)}.db`);
  assert.equal(cli(store, ['backup', copy]).status, 0);
  sqlite(copy, 'DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete; ' + sql);
  const s = { ...store, db: copy, env: { ...store.env, EDX_DB: copy } };
  return cli(s, ['audit', 'verify']);
}

test('audit verify passes on an honest log', () => {
  const r = cli(store, ['audit', 'verify']);
  assert.equal(r.status, 0, r.stdout);
  assert.match(r.stdout, /audit log intact: \d+ records, head [0-9a-f]{64}/);
});

test('audit verify detects an edited record', () => {
  const r = tampered("UPDATE audit_log SET actor = 'cli:mallory' WHERE seq = 3");
  assert.equal(r.status, 1);
  assert.match(r.stdout, /record 3 was changed/);
  const r2 = tampered("UPDATE audit_log SET detail = replace(detail, '\"created\":70', '\"created\":71') WHERE seq = 1");
  assert.equal(r2.status, 1);
});

test('audit verify detects a deleted record', () => {
  const r = tampered('DELETE FROM audit_log WHERE seq = 4');
  assert.equal(r.status, 1);
  assert.match(r.stdout, /record 4 is missing/);
});

test('audit verify detects reordered records', () => {
  const r = tampered('UPDATE audit_log SET seq = -seq WHERE seq IN (5, 6);' +
    'UPDATE audit_log SET seq = 6 WHERE seq = -5; UPDATE audit_log SET seq = 5 WHERE seq = -6;');
  assert.equal(r.status, 1);
  assert.match(r.stdout, /record 5/);
});

test('audit verify detects records cut from the end', () => {
  const r = tampered('DELETE FROM audit_log WHERE seq = (SELECT MAX(seq) FROM audit_log)');
  assert.equal(r.status, 1);
  assert.match(r.stdout, /records deleted from the end/);
});

test('backup copies a live store consistently; restoring it works', async () => {
  const srv = await new Server(store).start();
  const c = await srv.login('admin');
  let stop = false;
  let written = 0;
  const writer = (async () => {
    while (!stop) {
      const r = await c.post('/api/v1/units', { code: `BK-${written}`, name: `Trường sao lưu ${written}`, type: 'school', parent_code: 'SGDDT-HUE' });
      if (r.status === 201) written++;
    }
  })();
  await new Promise((r) => setTimeout(r, 300));
  const copy = tmp('backup.db');
  const b = cli(store, ['backup', copy]);
  await new Promise((r) => setTimeout(r, 200));
  stop = true;
  await writer;
  assert.equal(b.status, 0, b.stderr);
  assert.ok(written > 0);
  assert.equal(sqlite(copy, 'PRAGMA integrity_check').trim(), 'ok');
  const copyStore = { ...store, db: copy, env: { ...store.env, EDX_DB: copy } };
  const v = cli(copyStore, ['audit', 'verify']);
  assert.equal(v.status, 0, v.stdout);
  const inCopy = Number(sqlite(copy, "SELECT COUNT(*) FROM units WHERE code LIKE 'BK-%'"));
  assert.ok(inCopy <= written);
  assert.equal(cli(store, ['backup', copy]).status, 2); // never overwrites
  // Restore as docs/operations.md says: stop, replace the file (and drop -wal/-shm), start.
  await srv.stop();
  for (const ext of ['', '-wal', '-shm']) rmSync(store.db + ext, { force: true });
  copyFileSync(copy, store.db);
  const srv2 = await new Server(store).start();
  const c2 = await srv2.login('admin');
  const r = await c2.get('/api/v1/units?q=sao%20luu&limit=500');
  assert.equal(r.body.units.length, inCopy);
  await srv2.stop();
  assert.equal(cli(store, ['audit', 'verify']).status, 0);
});

test('routes lists every route with its roles', () => {
  const r = JSON.parse(cli(store, ['--json', 'routes']).stdout);
  const login = r.find((x) => x.method === 'POST' && x.path === '/api/v1/session');
  assert.ok(login.csrf_exempt);
  assert.ok(login.roles.includes('public'));
  const audit = r.find((x) => x.path === '/api/v1/audit');
  assert.deepEqual(audit.roles, ['ministry_admin']);
  assert.match(cli(store, ['routes']).stdout, /GET\s+\/api\/v1\/units\/\{code\}/);
});

// ---- credentials ----------------------------------------------------------------------------

const DIPLOMA_HEADER = 'external_id,id_number,full_name,birth_date,graduation_year,classification,decision_number,decision_date';
const diplomaRow = (i, name = 'Trần Thị Bích') =>
  `CLI-${i},001208${String(200000 + i)},${name},2008-05-12,2026,Giỏi,77/QĐ-SGDĐT,2026-06-30`;

test('credential issue: dry run, issue, rerun, outputs and exit codes', () => {
  const csv = write('d.csv', [DIPLOMA_HEADER, diplomaRow(1), diplomaRow(2), diplomaRow(3)].join('\n') + '\n');
  let r = cli(store, ['--json', 'credential', 'issue', '--issuer', 'THPT-CVA', '--type', 'diploma', '--csv', csv, '--dry-run']);
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout), { records: 3, issued: 0, existing: 0, invalid: 0, dryRun: true });
  r = cli(store, ['--json', 'credential', 'issue', '--issuer', 'THPT-CVA', '--type', 'diploma', '--csv', csv,
    '--out-dir', tmp('out'), '--jsonl', tmp('all.jsonl')]);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout).issued, 3);
  assert.ok(existsSync(tmp('out/CLI-1.json')));
  assert.equal(readFileSync(tmp('all.jsonl'), 'utf8').trim().split('\n').length, 3);
  r = cli(store, ['--json', 'credential', 'issue', '--issuer', 'THPT-CVA', '--type', 'diploma', '--csv', csv]);
  assert.deepEqual(JSON.parse(r.stdout), { records: 3, issued: 0, existing: 3, invalid: 0, dryRun: false });
  const bad = write('bad.csv', [DIPLOMA_HEADER, diplomaRow(4), diplomaRow(4)].join('\n') + '\n');
  r = cli(store, ['credential', 'issue', '--issuer', 'THPT-CVA', '--type', 'diploma', '--csv', bad]);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /row 3, column external_id: external_id CLI-4 repeats row 2/);
  assert.equal(cli(store, ['credential', 'issue', '--issuer', 'THPT-CVA', '--type', 'passport', '--csv', csv]).status, 2);
  assert.equal(cli(store, ['credential', 'issue', '--issuer', 'THPT-CVA', '--type', 'diploma', '--csv', tmp('none.csv')]).status, 2);
  assert.equal(cli(store, ['credential', 'issue', '--issuer', 'NOPE', '--type', 'diploma', '--csv', csv]).status, 2);
});

test('credential verify: offline with a trust file and status lists; exit 0, 1, 2', () => {
  assert.equal(cli(store, ['trust', 'add', 'THPT-CVA', '--from', '2025-01-01']).status, 0);
  assert.equal(cli(store, ['trust', 'export', '--out', tmp('trust.json')]).status, 0);
  assert.equal(cli(store, ['credential', 'status-export', '--out', tmp('st')]).status, 0);
  let r = cli(store, ['credential', 'verify', '--trust', tmp('trust.json'), '--status-dir', tmp('st'), tmp('all.jsonl')]);
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.equal((r.stdout.match(/VALID/g) || []).length, 3);
  // Without the trust file the issuer is unknown but the credential is still genuine.
  r = cli(store, ['credential', 'verify', tmp('out/CLI-1.json')]);
  assert.equal(r.status, 0, r.stdout);
  r = cli(store, ['credential', 'verify', '--require-trusted', tmp('out/CLI-1.json')]);
  assert.equal(r.status, 1, r.stdout);
  // A changed name fails; a file that is not JSON at all is unreadable.
  const doc = JSON.parse(readFileSync(tmp('out/CLI-2.json'), 'utf8'));
  doc.credentialSubject.identifier[1].identityHash = 'Trần Thị Bích Ngọc';
  r = cli(store, ['--json', 'credential', 'verify', write('t.json', JSON.stringify(doc))]);
  assert.equal(r.status, 1);
  const rep = JSON.parse(r.stdout);
  assert.equal(rep.checks.find((c) => c.check === 'proof').code, 'signature_invalid');
  assert.equal(cli(store, ['credential', 'verify', tmp('nothing-here.json')]).status, 2);
  assert.equal(cli(store, ['credential', 'verify', write('empty.json', '\n\n')]).status, 2);
  // A broken trust file or status list is refused up front.
  assert.equal(cli(store, ['credential', 'verify', '--trust', write('tr.json', '{"a":1}'), tmp('out/CLI-1.json')]).status, 2);
  const list = JSON.parse(readFileSync(path.join(tmp('st'), 'THPT-CVA-1-revocation.json'), 'utf8'));
  list.credentialSubject.encodedList = 'uH4sIAAAAAAAAA-3BMQEAAADCoPVPbQwfoAAAAAAAAAAAAAAAAAAAAIC3AYbSVKsAQAAA';
  const badDir = tmp('st-bad');
  cli(store, ['credential', 'status-export', '--out', badDir]);
  writeFileSync(path.join(badDir, 'THPT-CVA-1-revocation.json'), JSON.stringify(list));
  r = cli(store, ['credential', 'verify', '--status-dir', badDir, tmp('out/CLI-1.json')]);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /proof does not verify/);
});

test('credential revoke, show, list and render', () => {
  const id = JSON.parse(readFileSync(tmp('out/CLI-3.json'), 'utf8')).id;
  assert.equal(cli(store, ['credential', 'revoke', id]).status, 2); // --reason is required
  let r = cli(store, ['--json', 'credential', 'revoke', id, '--reason', 'Sai ngày sinh']);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout).status, 'revoked');
  r = cli(store, ['--json', 'credential', 'show', id]);
  assert.equal(JSON.parse(r.stdout).statusReason, 'Sai ngày sinh');
  r = cli(store, ['credential', 'verify', '--store', tmp('out/CLI-3.json')]);
  assert.equal(r.status, 1);
  assert.match(r.stdout, /REVOKED/);
  r = cli(store, ['--json', 'credential', 'list', '--issuer', 'THPT-CVA', '--status', 'revoked']);
  assert.equal(JSON.parse(r.stdout).length, 1);
  r = cli(store, ['credential', 'render', id, '--pdf', tmp('c.pdf')]);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(readFileSync(tmp('c.pdf')).subarray(0, 5).toString(), '%PDF-');
  assert.equal(cli(store, ['credential', 'show', 'urn:uuid:00000000-0000-7000-8000-000000000000']).status, 2);
});

test('credential keys rotate keeps old credentials verifiable', () => {
  let r = cli(store, ['--json', 'credential', 'keys', 'THPT-CVA', '--rotate']);
  assert.equal(r.status, 0, r.stderr);
  const keys = JSON.parse(r.stdout);
  assert.equal(keys.length, 2);
  assert.equal(keys[1].status, 'retired');
  r = cli(store, ['credential', 'verify', '--store', tmp('out/CLI-1.json')]);
  assert.equal(r.status, 0, r.stdout);
});

const failed = await run('cli');
store.cleanup();
process.exitCode = failed ? 1 : 0;
void BIN; void ROOT;
