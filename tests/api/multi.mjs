// Two edudx servers on different ports against one PostgreSQL database behave
// as one service: sessions, CSRF tokens, writes and the audit chain are shared.
import { test, assert, run } from '../lib/harness.mjs';
import { seededStore, Server, Client, PASSWORD, cli, dbExec } from '../lib/server.mjs';

if (!process.env.EDX_TEST_PG) {
  console.log('# multi-instance: 0 passed, 1 failed (EDX_TEST_PG is not set)');
  process.exit(1);
}

const store = seededStore();
const a = await new Server(store).start();
const b = await new Server(store).start();

test('the two servers listen on different ports', () => {
  assert.notEqual(a.port, b.port);
});

test('a session created on one server is valid on the other, CSRF included', async () => {
  const onA = await a.login('hanoi.admin');
  const onB = new Client(b.base);
  onB.cookie = onA.cookie;
  onB.csrf = onA.csrf;
  const me = await onB.get('/api/v1/session');
  assert.equal(me.status, 200);
  assert.equal(me.body.user.username, 'hanoi.admin');
  const w = await onB.post('/api/v1/units', { code: 'MULTI-1', name: 'Trường Đa máy chủ', type: 'school', parent_code: 'SGDDT-HA-NOI' });
  assert.equal(w.status, 201, JSON.stringify(w.body));
});

test('a write on one server is read on the other at once', async () => {
  const ca = await a.login('admin');
  const cb = new Client(b.base);
  cb.cookie = ca.cookie;
  cb.csrf = ca.csrf;
  const up = await ca.patch('/api/v1/units/MULTI-1', { name: 'Trường Đa máy chủ (đổi tên)' });
  assert.equal(up.status, 200);
  const read = await cb.get('/api/v1/units/MULTI-1');
  assert.equal(read.body.name, 'Trường Đa máy chủ (đổi tên)');
});

test('signing out on one server ends the session on both', async () => {
  const ca = await a.login('teacher');
  const cb = new Client(b.base);
  cb.cookie = ca.cookie;
  assert.equal((await cb.get('/api/v1/session')).status, 200);
  assert.equal((await ca.del('/api/v1/session')).status, 204);
  assert.equal((await cb.get('/api/v1/session')).status, 401);
});

test('concurrent writes through both servers keep one unbroken audit chain', async () => {
  const ca = await a.login('admin');
  const cb = await b.login('admin');
  const jobs = [];
  for (let i = 0; i < 40; i++) {
    const c = i % 2 ? ca : cb;
    jobs.push(c.post('/api/v1/units', { code: `MULTI-C${i}`, name: `Trường ${i}`, type: 'school', parent_code: 'SGDDT-HUE' }));
  }
  const res = await Promise.all(jobs);
  for (const r of res) assert.equal(r.status, 201, JSON.stringify(r.body));
  const v = cli(store, ['audit', 'verify']);
  assert.equal(v.status, 0, v.stdout + v.stderr);
  const seq = Number(dbExec(store, 'SELECT seq FROM audit_head'));
  assert.equal(Number(dbExec(store, 'SELECT COUNT(*) FROM audit_log')), seq);
});

test('login throttling is shared: failures on one server count on the other', async () => {
  const c1 = new Client(a.base), c2 = new Client(b.base);
  for (let i = 0; i < 3; i++) assert.equal((await c1.post('/api/v1/session', { username: 'learner', password: 'wrong-wrong-1' })).status, 401);
  for (let i = 0; i < 2; i++) assert.equal((await c2.post('/api/v1/session', { username: 'learner', password: 'wrong-wrong-1' })).status, 401);
  const locked = await c2.post('/api/v1/session', { username: 'learner', password: PASSWORD });
  assert.equal(locked.status, 429);
  assert.ok(Number(locked.headers.get('retry-after')) > 0);
});

const failed = await run('multi-instance');
await a.stop();
await b.stop();
store.cleanup();
process.exitCode = failed ? 1 : 0;
