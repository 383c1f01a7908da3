// kill -9 at random moments: the server under write load, and `edudx units import`.
// After each kill the store must pass SQLite's integrity check, the audit chain
// must verify, every write the server acknowledged must be there, and an import
// must be all there or not at all.
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { test, assert, run } from '../lib/harness.mjs';
import { seededStore, Server, cli, sqlite, BIN } from '../lib/server.mjs';

const LOOPS = Number(process.env.EDX_CRASH_LOOPS || 20);
const store = seededStore();
const rand = (lo, hi) => lo + Math.floor(Math.random() * (hi - lo));

function checkStore(label) {
  assert.equal(sqlite(store.db, 'PRAGMA integrity_check').trim(), 'ok', `${label}: integrity`);
  const v = cli(store, ['audit', 'verify']);
  assert.equal(v.status, 0, `${label}: ${v.stdout}${v.stderr}`);
}

test(`kill -9 of the server under write load, ${LOOPS} times`, async () => {
  const token = JSON.parse(cli(store, ['--json', 'token', 'create', '--user', 'admin', '--scope', 'write', '--name', 'crash']).stdout).token;
  const acked = [];
  for (let loop = 0; loop < LOOPS; loop++) {
    const srv = await new Server(store).start();
    let stop = false;
    const writer = async (w) => {
      for (let i = 0; !stop; i++) {
        const code = `CR-${loop}-${w}-${i}`;
        try {
          const r = await fetch(srv.base + '/api/v1/units', {
            method: 'POST',
            headers: { authorization: 'Bearer ' + token, 'content-type': 'application/json' },
            body: JSON.stringify({ code, name: `Trường ${code}`, type: 'school', parent_code: 'SGDDT-HUE' }),
          });
          if (r.status === 201) acked.push(code);
          else if (r.status !== 503) throw new Error(`unexpected ${r.status}`);
          if (i % 3 === 2) {
            await fetch(srv.base + `/api/v1/units/${code}`, {
              method: 'PATCH',
              headers: { authorization: 'Bearer ' + token, 'content-type': 'application/json' },
              body: JSON.stringify({ status: 'inactive' }),
            });
          }
        } catch (e) {
          if (!stop) throw e;
          return;
        }
      }
    };
    const writers = [writer(0), writer(1), writer(2)].map((p) => p.catch((e) => e));
    await new Promise((r) => setTimeout(r, rand(50, 400)));
    stop = true;
    srv.proc.kill('SIGKILL');
    await srv.exited;
    const errs = (await Promise.all(writers)).filter((e) => e instanceof Error && !/fetch failed|other side closed|ECONNRESET|terminated/i.test(String(e)));
    assert.deepEqual(errs, []);
    checkStore(`server loop ${loop}`);
  }
  // Every acknowledged write survived.
  const have = new Set(sqlite(store.db, "SELECT code FROM units WHERE code LIKE 'CR-%'").trim().split('\n'));
  const lost = acked.filter((c) => !have.has(c));
  assert.deepEqual(lost, [], `acknowledged but lost: ${lost.join(" ")}`);
  assert.ok(acked.length > LOOPS, `only ${acked.length} writes acknowledged`);
});

test(`kill -9 of units import at random moments, ${LOOPS} times: all rows or none`, async () => {
  const ROWS = 20000;
  const file = (loop) => {
    const lines = ['code,name,type,parent_code,province'];
    for (let i = 0; i < ROWS; i++) lines.push(`IMP${loop}-${i},Trường ${loop}-${i},school,SGDDT-NGHE-AN,nghe-an`);
    const f = path.join(store.dir, `import-${loop}.csv`);
    writeFileSync(f, lines.join('\n') + '\n');
    return f;
  };
  // How long does one import take? Kill somewhere within that time.
  const t0 = Date.now();
  assert.equal(cli(store, ['units', 'import', file('W')]).status, 0);
  const took = Math.max(50, Date.now() - t0);
  let killed = 0, completed = 0;
  for (let loop = 0; loop < LOOPS; loop++) {
    const f = file(loop);
    const before = Number(sqlite(store.db, 'SELECT COUNT(*) FROM units'));
    const child = spawn(BIN, ['units', 'import', f], { env: store.env, stdio: 'ignore' });
    const exited = new Promise((r) => child.on('exit', (code, sig) => r({ code, sig })));
    await new Promise((r) => setTimeout(r, rand(0, Math.floor(took * 0.8))));
    child.kill('SIGKILL');
    const { sig, code } = await exited;
    if (sig === 'SIGKILL') killed++;
    else { assert.equal(code, 0); completed++; }
    checkStore(`import loop ${loop}`);
    const mine = Number(sqlite(store.db, `SELECT COUNT(*) FROM units WHERE code LIKE 'IMP${loop}-%'`));
    const after = Number(sqlite(store.db, 'SELECT COUNT(*) FROM units'));
    assert.ok(mine === 0 || mine === ROWS, `loop ${loop}: ${mine} rows of ${ROWS}`);
    assert.equal(after - before, mine);
    if (sig !== 'SIGKILL') assert.equal(mine, ROWS);
  }
  console.log(`  # ${killed} imports killed, ${completed} finished before the kill (one import takes ~${took} ms)`);
  assert.ok(killed >= LOOPS / 2, `only ${killed} of ${LOOPS} imports were killed mid-way`);
});

const failed = await run('crash');
store.cleanup();
process.exitCode = failed ? 1 : 0;
