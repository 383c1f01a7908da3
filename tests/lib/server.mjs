// Start and talk to a real edudx server for tests.
import { spawn, execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const BIN = process.env.EDX_BIN || path.join(ROOT, process.env.BUILD || 'build', 'edudx');
export const PASSWORD = 'edudx-test-pass-2025';

export async function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

// A fresh store: a temp dir with a SQLite file, or a new database in the
// test PostgreSQL cluster when EDX_TEST_PG is set (a libpq URI to an admin db).
let pgCounter = 0;
export function freshStore() {
  const dir = mkdtempSync(path.join(tmpdir(), 'edx-test-'));
  const env = { ...process.env, EDX_SECRET_FILE: path.join(dir, 'secret.key') };
  let db = path.join(dir, 'edudx.db');
  if (process.env.EDX_TEST_PG) {
    const name = `edx_t${process.pid}_${++pgCounter}`;
    spawnSync('psql', [process.env.EDX_TEST_PG, '-qc', `DROP DATABASE IF EXISTS ${name}`]);
    execFileSync('psql', [process.env.EDX_TEST_PG, '-qc', `CREATE DATABASE ${name}`]);
    db = process.env.EDX_TEST_PG.replace(/\/[^/?]+(\?|$)/, `/${name}$1`);
  }
  env.EDX_DB = db;
  return { dir, db, env, cleanup() { rmSync(dir, { recursive: true, force: true }); } };
}

// Run the CLI; returns { status, stdout, stderr }.
export function cli(store, args, input) {
  const r = spawnSync(BIN, args, { env: store.env, input: input ?? '', encoding: 'utf8', timeout: 120000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, signal: r.signal };
}

// A store with the demo units and one account per role (password PASSWORD).
export function seededStore() {
  const s = freshStore();
  let r = cli(s, ['init']);
  if (r.status !== 0) throw new Error('init failed: ' + r.stderr);
  r = cli(s, ['units', 'import', path.join(ROOT, 'data/demo/units.csv')]);
  if (r.status !== 0) throw new Error('import failed: ' + r.stderr);
  const users = [
    ['admin', 'ministry_admin', null],
    ['hanoi.admin', 'unit_admin', 'SGDDT-HA-NOI'],
    ['hcm.admin', 'unit_admin', 'SGDDT-HO-CHI-MINH'],
    ['reviewer', 'reviewer', 'BGDDT'],
    ['teacher', 'teacher', 'THPT-CVA'],
    ['learner', 'learner', 'THPT-CVA'],
  ];
  for (const [u, role, unit] of users) {
    const args = ['user', 'add', u, '--role', role];
    if (unit) args.push('--unit', unit);
    r = cli(s, args, PASSWORD + '\n');
    if (r.status !== 0) throw new Error(`user add ${u} failed: ${r.stderr}`);
  }
  return s;
}

export class Server {
  constructor(store, extraArgs = []) {
    this.store = store;
    this.extraArgs = extraArgs;
    this.log = '';
  }
  async start() {
    this.port = await freePort();
    this.base = `http://127.0.0.1:${this.port}`;
    const args = ['serve', '--listen', `127.0.0.1:${this.port}`, ...this.extraArgs];
    this.proc = spawn(BIN, args, { env: this.store.env, stdio: ['ignore', 'pipe', 'pipe'] });
    this.proc.stdout.on('data', (d) => { this.log += d; });
    this.proc.stderr.on('data', (d) => { this.log += d; });
    this.exited = new Promise((resolve) => this.proc.on('exit', (code, sig) => resolve({ code, sig })));
    const until = Date.now() + 15000;
    while (Date.now() < until) {
      try {
        const r = await fetch(this.base + '/healthz');
        if (r.ok) return this;
      } catch { /* not yet */ }
      if (this.proc.exitCode !== null) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error('server did not start:\n' + this.log);
  }
  // SIGTERM and wait; returns { code, sig }.
  async stop(signal = 'SIGTERM') {
    if (!this.proc || this.proc.exitCode !== null) return this.exited;
    this.proc.kill(signal);
    return this.exited;
  }
  client() { return new Client(this.base); }
  async login(username, password = PASSWORD) {
    const c = this.client();
    const r = await c.post('/api/v1/session', { username, password });
    if (r.status !== 200) throw new Error(`login ${username}: ${r.status} ${JSON.stringify(r.body)}`);
    return c;
  }
}

// An HTTP client keeping the session cookie and CSRF token like the web UI does.
export class Client {
  constructor(base) {
    this.base = base;
    this.cookie = null;
    this.csrf = null;
    this.bearer = null;
  }
  async req(method, url, body, headers = {}) {
    const h = { ...headers };
    if (this.cookie) h.cookie = this.cookie;
    if (this.bearer) h.authorization = 'Bearer ' + this.bearer;
    if (this.csrf && !['GET', 'HEAD'].includes(method) && !('x-csrf-token' in h)) h['x-csrf-token'] = this.csrf;
    let payload = body;
    if (body !== undefined && typeof body !== 'string' && !(body instanceof Uint8Array)) {
      payload = JSON.stringify(body);
      h['content-type'] ??= 'application/json';
    }
    const res = await fetch(this.base + url, { method, headers: h, body: payload });
    const setCookie = res.headers.get('set-cookie');
    if (setCookie) {
      const m = /edx_session=([^;]*)/.exec(setCookie);
      if (m) this.cookie = m[1] ? `edx_session=${m[1]}` : null;
    }
    const text = await res.text();
    let json = null;
    try { json = JSON.parse(text); } catch { /* not JSON */ }
    if (json && json.csrf_token) this.csrf = json.csrf_token;
    return { status: res.status, headers: res.headers, body: json, text };
  }
  get(url, headers) { return this.req('GET', url, undefined, headers); }
  post(url, body, headers) { return this.req('POST', url, body, headers); }
  patch(url, body, headers) { return this.req('PATCH', url, body, headers); }
  del(url, headers) { return this.req('DELETE', url, undefined, headers); }
}

// Send raw bytes on a socket and collect the reply (for malformed HTTP).
export function rawRequest(port, chunks, { delayMs = 0, timeoutMs = 10000 } = {}) {
  return new Promise((resolve) => {
    const sock = net.connect(port, '127.0.0.1');
    let data = Buffer.alloc(0);
    let done = false;
    const finish = (err) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      sock.destroy();
      const text = data.toString('utf8');
      const m = /^HTTP\/1\.[01] (\d{3})/.exec(text);
      resolve({ status: m ? Number(m[1]) : 0, text, error: err ? String(err) : null });
    };
    const timer = setTimeout(() => finish(new Error('timeout')), timeoutMs);
    sock.on('data', (d) => { data = Buffer.concat([data, d]); });
    sock.on('end', () => finish());
    sock.on('close', () => finish());
    sock.on('error', (e) => finish(e));
    sock.on('connect', async () => {
      for (const c of [].concat(chunks)) {
        if (sock.destroyed) break;
        sock.write(c);
        if (delayMs) await new Promise((r) => setTimeout(r, delayMs));
      }
    });
  });
}

export function sqlite(dbfile, sql) {
  return execFileSync('sqlite3', [dbfile, sql], { encoding: 'utf8' });
}

export { existsSync };

// Run SQL against a test store (sqlite3 or psql) and return trimmed text output.
export function dbExec(store, sql) {
  if (store.db.startsWith('postgres')) {
    return execFileSync('psql', [store.db, '-qtAX', '-v', 'ON_ERROR_STOP=1', '-c', sql], { encoding: 'utf8' }).trim();
  }
  return execFileSync('sqlite3', [store.db, sql], { encoding: 'utf8' }).trim();
}

// A fingerprint of everything a bad request must leave untouched.
export function snapshot(store) {
  return dbExec(store,
    "SELECT (SELECT COUNT(*) FROM units) || ':' || (SELECT COUNT(*) FROM users) || ':' || " +
    "(SELECT COUNT(*) FROM people) || ':' || (SELECT COUNT(*) FROM api_tokens) || ':' || " +
    "(SELECT seq FROM audit_head) || ':' || (SELECT hash FROM audit_head) || ':' || " +
    "(SELECT COALESCE(MAX(updated_at), 0) FROM units)");
}
