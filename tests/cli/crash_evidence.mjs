// kill -9 of the server while evidence files are being uploaded, at random moments, 20 times.
// After each kill: every evidence row has its file under its SHA-256 with the right size and
// content (no row without its file), every upload row names a stored file, and every upload
// the server acknowledged is there.
import { readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { createHash, randomBytes } from 'node:crypto';
import { test, assert, run } from '../lib/harness.mjs';
import { seededStore, Server, cli, dbExec } from '../lib/server.mjs';

const LOOPS = Number(process.env.EDX_CRASH_LOOPS || 20);
const store = seededStore();
const rand = (lo, hi) => lo + Math.floor(Math.random() * (hi - lo));
const sha = (b) => createHash('sha256').update(b).digest('hex');
const fileOf = (h) => path.join(store.dir, 'evidence', h.slice(0, 2), h.slice(2, 4), h);

function checkStore(label, acked) {
  const rows = dbExec(store, 'SELECT sha256 || \' \' || size FROM evidence_files').split('\n').filter(Boolean);
  for (const row of rows) {
    const [h, size] = row.split(' ');
    const f = fileOf(h);
    assert.ok(existsSync(f), `${label}: the row of ${h} has no file`);
    const bytes = readFileSync(f);
    assert.equal(bytes.length, Number(size), `${label}: ${h} has the wrong size`);
    assert.equal(sha(bytes), h, `${label}: ${h} is not what was stored`);
  }
  assert.equal(dbExec(store, 'SELECT COUNT(*) FROM evidence_uploads e WHERE NOT EXISTS ' +
    '(SELECT 1 FROM evidence_files f WHERE f.sha256 = e.sha256)'), '0', `${label}: an upload without its file row`);
  const stored = new Set(rows.map((r) => r.split(' ')[0]));
  for (const h of acked) assert.ok(stored.has(h), `${label}: acknowledged upload ${h} is lost`);
  const v = cli(store, ['audit', 'verify']);
  assert.equal(v.status, 0, `${label}: ${v.stdout}${v.stderr}`);
}

test(`kill -9 of the server during evidence uploads, ${LOOPS} times`, async () => {
  const token = JSON.parse(cli(store, ['--json', 'token', 'create', '--user', 'admin', '--scope', 'write', '--name', 'crash']).stdout).token;
  const acked = [];
  let attempts = 0;
  for (let loop = 0; loop < LOOPS; loop++) {
    const srv = await new Server(store).start();
    let stop = false;
    const uploader = async (w) => {
      for (let i = 0; !stop; i++) {
        // A PDF of 0.5 to 3 MiB, different every time.
        const body = Buffer.concat([Buffer.from('%PDF-1.7\n'), randomBytes(rand(512, 3072) * 1024)]);
        attempts++;
        try {
          const r = await fetch(srv.base + `/api/v1/evidence?unit=SGDDT-HUE&name=minh-chung-${loop}-${w}-${i}.pdf`, {
            method: 'POST',
            headers: { authorization: 'Bearer ' + token, 'content-type': 'application/pdf' },
            body,
          });
          if (r.status === 201) acked.push(sha(body));
          else if (r.status !== 503) throw new Error(`unexpected ${r.status}: ${await r.text()}`);
        } catch (e) {
          if (!stop) throw e;
          return;
        }
      }
    };
    const uploaders = [uploader(0), uploader(1), uploader(2)].map((p) => p.catch((e) => e));
    await new Promise((r) => setTimeout(r, rand(30, 600)));
    stop = true;
    srv.proc.kill('SIGKILL');
    await srv.exited;
    const errs = (await Promise.all(uploaders)).filter((e) => e instanceof Error && !/fetch failed|other side closed|ECONNRESET|terminated|socket/i.test(String(e)));
    assert.deepEqual(errs, []);
    checkStore(`loop ${loop}`, acked);
  }
  assert.ok(acked.length > LOOPS, `only ${acked.length} of ${attempts} uploads were acknowledged`);
});

const failed = await run('crash-evidence');
store.cleanup();
process.exit(failed ? 1 : 0);
