// The API suite: runs against a real edudx server on loopback, over a SQLite
// store, or PostgreSQL when EDX_TEST_PG is set (tests/run.sh runs it both ways).
import { writeFileSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test, assert, run } from '../lib/harness.mjs';
import {
  seededStore, Server, Client, PASSWORD, cli, rawRequest, dbExec, snapshot, ROOT,
} from '../lib/server.mjs';

const SUITE = process.env.EDX_SUITE_NAME || 'api-sqlite';
const store = seededStore();
const srv = await new Server(store, ['--request-timeout', '3']).start();
const port = srv.port;

// One API token (write scope) per account, for the route × role matrix.
function tokenFor(user, scope = 'write') {
  const r = cli(store, ['--json', 'token', 'create', '--user', user, '--scope', scope, '--name', 'test']);
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout).token;
}
function bearer(token) {
  const c = new Client(srv.base);
  c.bearer = token;
  return c;
}
const ROLE_USER = {
  ministry_admin: 'admin', unit_admin: 'hanoi.admin', reviewer: 'reviewer', teacher: 'teacher', learner: 'learner',
};
const tokens = {};
for (const [role, user] of Object.entries(ROLE_USER)) tokens[role] = tokenFor(user);

const admin = await srv.login('admin');
const hanoi = await srv.login('hanoi.admin');

// Two people: one in Hà Nội, one in Ho Chi Minh City.
const personHN = await admin.post('/api/v1/people', {
  unit_code: 'THPT-CVA', full_name: 'Nguyễn Thị Lan', kind: 'teacher', national_id: '001185012345',
});
const personHCM = await admin.post('/api/v1/people', {
  unit_code: 'THPT-LHP', full_name: 'Trần Văn Minh', kind: 'learner', national_id: '079209045678',
});

const unchanged = async (fn) => {
  const before = snapshot(store);
  const r = await fn();
  assert.equal(snapshot(store), before, 'the store changed');
  return r;
};

// ---- basics ---------------------------------------------------------------------------------

test('healthz answers ok without authentication', async () => {
  const r = await new Client(srv.base).get('/healthz');
  assert.equal(r.status, 200);
  assert.deepEqual(r.body, { status: 'ok' });
});

test('readyz checks the store', async () => {
  const r = await new Client(srv.base).get('/readyz');
  assert.equal(r.status, 200);
  assert.equal(r.body.status, 'ready');
});

test('every answer carries a request id and security headers', async () => {
  const c = new Client(srv.base);
  const r1 = await c.get('/api/v1/units');
  assert.match(r1.headers.get('x-request-id'), /^[0-9a-f]{6}-[0-9a-f]+$/);
  const r2 = await c.get('/healthz', { 'x-request-id': 'trace-abc.123' });
  assert.equal(r2.headers.get('x-request-id'), 'trace-abc.123');
  const r3 = await c.get('/healthz', { 'x-request-id': 'bad id with spaces' });
  assert.notEqual(r3.headers.get('x-request-id'), 'bad id with spaces');
  assert.equal(r1.headers.get('x-content-type-options'), 'nosniff');
  assert.equal(r1.headers.get('cache-control'), 'no-store');
  const page = await c.get('/');
  assert.match(page.headers.get('content-security-policy'), /default-src 'self'/);
});

test('metrics count requests by route and status, with a latency histogram', async () => {
  const c = new Client(srv.base);
  await c.get('/api/v1/units/BGDDT');
  const r = await c.get('/metrics');
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /^text\/plain/);
  assert.match(r.text, /edx_http_requests_total\{route="GET \/api\/v1\/units\/\{code\}",status="401"\} \d+/);
  assert.match(r.text, /edx_http_request_duration_seconds_bucket\{route="GET \/healthz",le="\+Inf"\} \d+/);
  assert.match(r.text, /edx_http_request_duration_seconds_count\{route="GET \/healthz"\} \d+/);
});

test('unknown endpoints give 404 and wrong methods 405, as JSON errors', async () => {
  const r = await admin.get('/api/v1/nothing-here');
  assert.equal(r.status, 404);
  assert.equal(r.body.error.code, 'not_found');
  const m = await admin.req('PUT', '/api/v1/units/BGDDT', {});
  assert.equal(m.status, 405);
  assert.deepEqual(Object.keys(m.body.error).sort(), ['code', 'field', 'message']);
});

test('the web shell is served with revalidation (ETag, 304)', async () => {
  const c = new Client(srv.base);
  const r = await c.get('/');
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /text\/html/);
  const etag = r.headers.get('etag');
  assert.ok(etag);
  const again = await c.get('/', { 'if-none-match': etag });
  assert.equal(again.status, 304);
});

// ---- sign-in, sessions, CSRF ------------------------------------------------------------------

test('sign-in sets an HttpOnly SameSite=Strict session cookie and returns a CSRF token', async () => {
  const c = new Client(srv.base);
  const res = await fetch(srv.base + '/api/v1/session', {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'reviewer', password: PASSWORD }),
  });
  assert.equal(res.status, 200);
  const cookie = res.headers.get('set-cookie');
  assert.match(cookie, /^edx_session=[A-Za-z0-9_-]{43};/);
  assert.match(cookie, /HttpOnly/);
  assert.match(cookie, /SameSite=Strict/);
  assert.doesNotMatch(cookie, /Secure/); // plain http on loopback
  const body = await res.json();
  assert.equal(body.user.role, 'reviewer');
  assert.match(body.csrf_token, /^[A-Za-z0-9_-]{43}$/);
  void c;
});

test('wrong password and unknown account get the same generic 401', async () => {
  const c = new Client(srv.base);
  const a = await c.post('/api/v1/session', { username: 'teacher', password: 'wrong-password-123' });
  const b = await c.post('/api/v1/session', { username: 'nobody.here', password: 'wrong-password-123' });
  assert.equal(a.status, 401);
  assert.equal(b.status, 401);
  assert.deepEqual(a.body, b.body);
  assert.doesNotMatch(JSON.stringify(a.body), /teacher|exist/i);
});

test('GET /api/v1/session describes the signed-in user; sign-out ends the session', async () => {
  const c = await srv.login('learner');
  const me = await c.get('/api/v1/session');
  assert.equal(me.status, 200);
  assert.equal(me.body.user.username, 'learner');
  assert.equal(me.body.user.unit_code, 'THPT-CVA');
  const old = c.cookie;
  const out = await c.del('/api/v1/session');
  assert.equal(out.status, 204);
  const stale = new Client(srv.base);
  stale.cookie = old;
  assert.equal((await stale.get('/api/v1/session')).status, 401);
});

test('cookie writes need the CSRF header; a wrong one or a foreign Origin is refused', async () => {
  const c = await srv.login('hanoi.admin');
  const body = { code: 'CSRF-TEST', name: 'Trường thử CSRF', type: 'school', parent_code: 'SGDDT-HA-NOI' };
  await unchanged(async () => {
    const none = await c.post('/api/v1/units', body, { 'x-csrf-token': '' });
    assert.equal(none.status, 403);
    assert.equal(none.body.error.code, 'csrf_failed');
    const wrong = await c.post('/api/v1/units', body, { 'x-csrf-token': 'A'.repeat(43) });
    assert.equal(wrong.status, 403);
    const foreign = await c.post('/api/v1/units', body, { origin: 'https://evil.example' });
    assert.equal(foreign.status, 403);
    assert.equal(foreign.body.error.code, 'bad_origin');
  });
  const ok = await c.post('/api/v1/units', body, { origin: srv.base });
  assert.equal(ok.status, 201, JSON.stringify(ok.body));
});

test('users see their open sessions and can end one of them', async () => {
  const laptop = await srv.login('learner');
  const phone = await srv.login('learner');
  const list = await phone.get('/api/v1/sessions');
  assert.equal(list.status, 200);
  assert.ok(list.body.sessions.length >= 2);
  assert.equal(list.body.sessions.filter((x) => x.current).length, 1);
  for (const x of list.body.sessions) assert.ok(x.idle_expires_at <= x.expires_at && x.idle_expires_at > x.last_seen_at);
  const other = list.body.sessions.find((x) => !x.current);
  assert.ok(!JSON.stringify(list.body).match(/token|hash/));
  assert.equal((await phone.del('/api/v1/sessions/' + other.id)).status, 204);
  assert.equal((await laptop.get('/api/v1/session')).status, 401);
  assert.equal((await phone.get('/api/v1/session')).status, 200);
  const mine = (await phone.get('/api/v1/sessions')).body.sessions[0].id;
  const stranger = await srv.login('teacher');
  assert.equal((await unchanged(() => stranger.del('/api/v1/sessions/' + mine))).status, 404);
  assert.equal((await stranger.del('/api/v1/sessions/999999')).status, 404);
  assert.equal((await phone.get('/api/v1/session')).status, 200);
});

test('an expired or idle session is refused', async () => {
  const c = await srv.login('teacher');
  assert.equal((await c.get('/api/v1/session')).status, 200);
  dbExec(store, "UPDATE sessions SET last_seen_at = 0 WHERE user_id = (SELECT id FROM users WHERE username = 'teacher')");
  const r = await c.get('/api/v1/session');
  assert.equal(r.status, 401);
  const c2 = await srv.login('teacher');
  dbExec(store, "UPDATE sessions SET expires_at = 1 WHERE user_id = (SELECT id FROM users WHERE username = 'teacher')");
  assert.equal((await c2.get('/api/v1/units/THPT-CVA')).status, 401);
});

test('changing a password needs the current one and ends other sessions', async () => {
  const other = await srv.login('reviewer');
  const c = await srv.login('reviewer');
  const bad = await c.post('/api/v1/users/reviewer/password', { password: 'new-pass-phrase-42', current_password: 'nope-nope-nope' });
  assert.equal(bad.status, 403);
  const weak = await c.post('/api/v1/users/reviewer/password', { password: 'short', current_password: PASSWORD });
  assert.equal(weak.status, 400);
  assert.equal(weak.body.error.field, 'password');
  const ok = await c.post('/api/v1/users/reviewer/password', { password: 'new-pass-phrase-42', current_password: PASSWORD });
  assert.equal(ok.status, 204);
  assert.equal((await other.get('/api/v1/session')).status, 401);
  assert.equal((await c.get('/api/v1/session')).status, 200); // the session that changed it stays
  const back = await srv.login('reviewer', 'new-pass-phrase-42');
  const restore = await back.post('/api/v1/users/reviewer/password', { password: PASSWORD, current_password: 'new-pass-phrase-42' });
  assert.equal(restore.status, 204);
  // A new password also revokes the account's API tokens (a stolen session cannot leave one behind).
  assert.equal((await bearer(tokens.reviewer).get('/api/v1/units/BGDDT')).status, 401);
  tokens.reviewer = tokenFor('reviewer');
});

test('passwords must be strong enough, and the error code says which rule failed', async () => {
  const cases = [['short', 'password_too_short'], ['1234567890', 'password_too_common'],
    ['aaaaaaaaaaaa', 'password_too_simple'], ['password123', 'password_too_common'],
    ['weakuser.x1', 'password_like_username'], ['x'.repeat(100) + 'é'.repeat(100), 'password_too_long']];
  for (const [pw, code] of cases) {
    const r = await admin.post('/api/v1/users', { username: 'weakuser.x', display_name: 'Yếu', role: 'teacher', unit_code: 'THPT-CVA', password: pw });
    assert.equal(r.status, 400, pw);
    assert.equal(r.body.error.field, 'password', pw);
    assert.equal(r.body.error.code, code, pw);
  }
});

test('a disabled account cannot sign in and loses its sessions and tokens', async () => {
  const add = await admin.post('/api/v1/users', { username: 'gv.tam', display_name: 'Lê Tâm', role: 'teacher', unit_code: 'THPT-CVA', password: PASSWORD });
  assert.equal(add.status, 201, JSON.stringify(add.body));
  const c = await srv.login('gv.tam');
  const tok = bearer(tokenFor('gv.tam', 'read'));
  assert.equal((await tok.get('/api/v1/units/THPT-CVA')).status, 200);
  const off = await admin.patch('/api/v1/users/gv.tam', { status: 'disabled' });
  assert.equal(off.status, 200);
  assert.equal(off.body.status, 'disabled');
  assert.equal((await c.get('/api/v1/session')).status, 401);
  assert.equal((await tok.get('/api/v1/units/THPT-CVA')).status, 401);
  const again = await new Client(srv.base).post('/api/v1/session', { username: 'gv.tam', password: PASSWORD });
  assert.equal(again.status, 401);
});

// ---- API tokens --------------------------------------------------------------------------------

test('API tokens: shown once, hashed at rest, scoped, revocable', async () => {
  const c = await srv.login('hanoi.admin');
  const made = await c.post('/api/v1/tokens', { name: 'sync job', scope: 'read', expires_in_days: 30 });
  assert.equal(made.status, 201, JSON.stringify(made.body));
  assert.match(made.body.token, /^edx_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/);
  const secret = made.body.token.slice(21);
  assert.equal(dbExec(store, `SELECT COUNT(*) FROM api_tokens WHERE secret_hash LIKE '%${secret.slice(0, 10)}%'`), '0');
  const t0 = bearer(made.body.token);
  assert.equal((await t0.get('/api/v1/session')).status, 200);
  const list = await c.get('/api/v1/tokens');
  assert.ok(list.body.tokens.some((t) => t.id === made.body.id && t.last_used_at));
  assert.ok(!list.text.includes(secret));
  const t = bearer(made.body.token);
  assert.equal((await t.get('/api/v1/units/SGDDT-HA-NOI')).status, 200);
  const w = await t.post('/api/v1/units', { code: 'TOKEN-RO', name: 'x', type: 'school', parent_code: 'SGDDT-HA-NOI' });
  assert.equal(w.status, 403);
  assert.equal(w.body.error.code, 'read_only_token');
  assert.equal((await c.del('/api/v1/tokens/' + made.body.id)).status, 204);
  assert.equal((await t.get('/api/v1/units/SGDDT-HA-NOI')).status, 401);
});

test('a token cannot mint tokens; a stale token does not break public routes', async () => {
  const r = await unchanged(() => bearer(tokens.unit_admin).post('/api/v1/tokens', { name: 'forever', scope: 'write', expires_in_days: 730 }));
  assert.equal(r.status, 403);
  const h = await new Client(srv.base).get('/healthz', { authorization: 'Bearer edx_0000000000000000_' + 'x'.repeat(43) });
  assert.equal(h.status, 200);
});

test('only admins look up accounts: others cannot tell which names exist', async () => {
  const t = bearer(tokens.teacher);
  const a = await t.get('/api/v1/users/admin');
  const b = await t.get('/api/v1/users/no.such.person');
  assert.equal(a.status, 403);
  assert.deepEqual(a.body, b.body);
  assert.equal((await t.get('/api/v1/users/teacher')).status, 200);
});

test('write tokens can write without CSRF; expired and malformed tokens are refused', async () => {
  const t = bearer(tokens.unit_admin);
  const r = await t.patch('/api/v1/units/THPT-CVA', { name_en: 'Chu Van An High School (Hanoi)' });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  const tok = tokenFor('teacher', 'read');
  dbExec(store, `UPDATE api_tokens SET expires_at = 1 WHERE public_id = '${tok.slice(4, 20)}'`);
  assert.equal((await bearer(tok).get('/api/v1/units/THPT-CVA')).status, 401);
  for (const bad of ['edx_', 'edx_zzzzzzzzzzzzzzzz_' + 'a'.repeat(43), tokens.teacher + 'x', "' OR 1=1 --"]) {
    const res = await bearer(bad).get('/api/v1/units/THPT-CVA');
    assert.equal(res.status, 401, bad);
  }
  const basic = await new Client(srv.base).get('/api/v1/units', { authorization: 'Basic YWRtaW46YWRtaW4=' });
  assert.equal(basic.status, 401);
});

// ---- every route × every role -----------------------------------------------------------------

const routes = JSON.parse(cli(store, ['--json', 'routes']).stdout);
const SCOPE_UNIT = { public: 'BGDDT', ministry_admin: 'BGDDT', unit_admin: 'SGDDT-HA-NOI', reviewer: 'BGDDT', teacher: 'THPT-CVA', learner: 'THPT-CVA' };

test('every route × every role: allowed roles get through, others get 401/403', async () => {
  assert.ok(routes.length >= 20);
  const sessions = { public: new Client(srv.base) };
  for (const [role, user] of Object.entries(ROLE_USER)) sessions[role] = await srv.login(user);
  let checked = 0;
  for (const rt of routes) {
    for (const role of ['public', ...Object.keys(ROLE_USER)]) {
      let c = sessions[role];
      // Signing out would end the shared session: use a throwaway one for that route.
      if (rt.method === 'DELETE' && rt.path === '/api/v1/session' && role !== 'public') c = await srv.login(ROLE_USER[role]);
      const url = rt.path
        .replace('{code}', SCOPE_UNIT[role])
        .replace('{username}', ROLE_USER[role] || 'admin')
        .replace('/people/{id}', '/people/' + personHN.body.id)
        .replace('{id}', 'ffffffffffffffff');
      let body;
      let headers = {};
      if (rt.upload) { body = 'code,name,type\r\n'; headers = { 'content-type': 'text/csv' }; }
      else if (rt.method === 'POST' || rt.method === 'PATCH') body = {};
      const r = await c.req(rt.method, url, body, headers);
      const allowed = rt.roles.includes(role);
      const where = `${rt.method} ${rt.path} as ${role}: ${r.status} ${r.text.slice(0, 120)}`;
      if (allowed) assert.ok(![401, 403].includes(r.status), where);
      else assert.equal(r.status, role === 'public' ? 401 : 403, where);
      checked++;
    }
  }
  assert.equal(checked, routes.length * 6);
});

test('an API token is gated exactly like a session', async () => {
  for (const [role, token] of Object.entries(tokens)) {
    const t = bearer(token);
    const audit = await t.get('/api/v1/audit?limit=1');
    assert.equal(audit.status, role === 'ministry_admin' ? 200 : 403, role);
    const users = await t.get('/api/v1/users');
    assert.equal(users.status, ['ministry_admin', 'unit_admin'].includes(role) ? 200 : 403, role);
    assert.equal((await t.get('/api/v1/units/' + SCOPE_UNIT[role])).status, 200, role);
  }
});

test('a session cookie is gated exactly like a token', async () => {
  const t = await srv.login('teacher');
  assert.equal((await t.get('/api/v1/users')).status, 403);
  assert.equal((await t.get('/api/v1/audit')).status, 403);
  assert.equal((await t.get('/api/v1/units/THPT-CVA')).status, 200);
  assert.equal((await t.post('/api/v1/units', { code: 'X1', name: 'x', type: 'school' })).status, 403);
});

// ---- unit admins stay in their subtree ----------------------------------------------------------

test('a unit admin cannot read another subtree (403)', async () => {
  for (const url of ['/api/v1/units/SGDDT-HO-CHI-MINH', '/api/v1/units/THPT-LHP', '/api/v1/units/BGDDT-VP',
    '/api/v1/units?under=SGDDT-HO-CHI-MINH', '/api/v1/units?parent=SGDDT-HO-CHI-MINH',
    '/api/v1/units:export?under=SGDDT-HO-CHI-MINH', '/api/v1/people?unit=THPT-LHP',
    `/api/v1/people/${personHCM.body.id}`, '/api/v1/users/hcm.admin', '/api/v1/users/admin', '/api/v1/audit']) {
    const r = await hanoi.get(url);
    assert.equal(r.status, 403, `${url}: ${r.status} ${r.text.slice(0, 100)}`);
  }
});

test('a unit admin sees only its subtree in lists, searches and exports', async () => {
  const roots = await hanoi.get('/api/v1/units?parent=');
  assert.deepEqual(roots.body.units.map((u) => u.code), ['SGDDT-HA-NOI']);
  const search = await hanoi.get('/api/v1/units?q=' + encodeURIComponent('Lê Hồng Phong'));
  assert.equal(search.status, 200);
  assert.equal(search.body.units.length, 0);
  const all = await hanoi.get('/api/v1/units?q=truong&limit=500');
  assert.ok(all.body.units.length > 0);
  for (const u of all.body.units) assert.ok(['SGDDT-HA-NOI', 'THPT-CVA', 'THPT-HN-AMS', 'THCS-GIANGVO', 'TH-KIMLIEN', 'CD-NGHE-HN', 'CSRF-TEST'].includes(u.code) || u.parent_code === 'SGDDT-HA-NOI', u.code);
  const csv = await hanoi.get('/api/v1/units:export');
  assert.equal(csv.status, 200);
  assert.ok(!csv.text.includes('THPT-LHP'));
  assert.ok(csv.text.includes('THPT-CVA'));
  const users = await hanoi.get('/api/v1/users');
  const names = users.body.users.map((u) => u.username);
  assert.ok(names.includes('hanoi.admin') && names.includes('teacher'));
  assert.ok(!names.includes('hcm.admin') && !names.includes('admin'));
  const lookup = await hanoi.post('/api/v1/people:lookup', { national_id: '079209045678' });
  assert.equal(lookup.status, 404); // registered, but elsewhere: not even its existence leaks
});

test('a unit admin cannot change another subtree (403) and nothing changes', async () => {
  await unchanged(async () => {
    const attempts = [
      () => hanoi.patch('/api/v1/units/THPT-LHP', { name: 'Đổi tên' }),
      () => hanoi.patch('/api/v1/units/SGDDT-HA-NOI', { parent_code: 'SGDDT-HO-CHI-MINH' }),
      () => hanoi.patch('/api/v1/units/THPT-CVA', { parent_code: 'SGDDT-HO-CHI-MINH' }),
      () => hanoi.post('/api/v1/units', { code: 'HN-INTO-HCM', name: 'x', type: 'school', parent_code: 'SGDDT-HO-CHI-MINH' }),
      () => hanoi.post('/api/v1/units', { code: 'HN-ROOT', name: 'x', type: 'school' }),
      () => hanoi.req('POST', '/api/v1/units:import', 'code,name,type,parent_code\r\nTHPT-LHP,Đổi,school,SGDDT-HO-CHI-MINH\r\n', { 'content-type': 'text/csv' }),
      () => hanoi.post('/api/v1/people', { unit_code: 'THPT-LHP', full_name: 'A B', kind: 'teacher', national_id: '079190011111' }),
      () => hanoi.post('/api/v1/users', { username: 'hcm.teacher2', display_name: 'x', role: 'teacher', unit_code: 'THPT-LHP', password: PASSWORD }),
      () => hanoi.post('/api/v1/users', { username: 'boss.x', display_name: 'x', role: 'ministry_admin', password: PASSWORD }),
      () => hanoi.post('/api/v1/users', { username: 'wide.reviewer', display_name: 'x', role: 'reviewer', unit_code: 'THPT-CVA', password: PASSWORD }),
      () => hanoi.patch('/api/v1/users/hcm.admin', { status: 'disabled' }),
      () => hanoi.post('/api/v1/users/hcm.admin/password', { password: 'another-pass-1234' }),
    ];
    for (const a of attempts) {
      const r = await a();
      assert.equal(r.status, 403, `${r.status} ${r.text.slice(0, 160)}`);
    }
  });
});

test('a unit admin can manage its own subtree', async () => {
  const c = await hanoi.post('/api/v1/units', { code: 'TH-DICHVONG', name: 'Trường Tiểu học Dịch Vọng', type: 'school', parent_code: 'SGDDT-HA-NOI', province: 'ha-noi' });
  assert.equal(c.status, 201, JSON.stringify(c.body));
  assert.equal(c.body.parent_code, 'SGDDT-HA-NOI');
  const u = await hanoi.post('/api/v1/users', { username: 'gv.dichvong', display_name: 'Giáo viên', role: 'teacher', unit_code: 'TH-DICHVONG', password: PASSWORD });
  assert.equal(u.status, 201, JSON.stringify(u.body));
  const p = await hanoi.post('/api/v1/people', { unit_code: 'TH-DICHVONG', full_name: 'Hoàng Minh Châu', kind: 'learner', national_id: '001214056789' });
  assert.equal(p.status, 201, JSON.stringify(p.body));
  assert.equal(p.body.national_id_masked, '********6789');
});

// ---- units --------------------------------------------------------------------------------------

test('a unit shows its ancestors, children count and scope flags', async () => {
  const r = await admin.get('/api/v1/units/THPT-CVA');
  assert.equal(r.status, 200);
  assert.equal(r.body.name, 'Trường THPT Chu Văn An');
  assert.deepEqual(r.body.ancestors.map((a) => a.code), ['BGDDT', 'SGDDT-HA-NOI']);
  assert.equal(r.body.writable, true);
  const t = await (await srv.login('teacher')).get('/api/v1/units/THPT-CVA');
  assert.equal(t.body.writable, false);
  assert.deepEqual(t.body.ancestors.map((a) => a.readable), [false, false]);
  const d = await admin.get('/api/v1/units/SGDDT-HA-NOI');
  assert.ok(d.body.children_count >= 5);
});

test('the tree lists children, paginates and searches without accents', async () => {
  const kids = await admin.get('/api/v1/units?parent=BGDDT&limit=10');
  assert.equal(kids.status, 200);
  assert.equal(kids.body.units.length, 10);
  assert.equal(kids.body.next_offset, 10);
  const next = await admin.get('/api/v1/units?parent=BGDDT&limit=10&offset=10');
  assert.ok(!next.body.units.some((u) => kids.body.units.map((k) => k.code).includes(u.code)));
  const s = await admin.get('/api/v1/units?q=chu%20van%20an');
  assert.deepEqual(s.body.units.map((u) => u.code), ['THPT-CVA']);
  const s2 = await admin.get('/api/v1/units?q=' + encodeURIComponent('SỞ GIÁO DỤC') + '&type=doet&limit=500');
  assert.equal(s2.body.units.length, 34);
  const byProvince = await admin.get('/api/v1/units?under=BGDDT&province=ca-mau');
  assert.deepEqual(byProvince.body.units.map((u) => u.code).sort(), ['SGDDT-CA-MAU', 'THPT-PNH-CM']);
  const provinces = await admin.get('/api/v1/provinces');
  assert.equal(provinces.body.provinces.length, 34);
});

test('names are stored in NFC whatever form they arrive in', async () => {
  const nfd = 'Trường Tiểu học Nguyễn Trãi'.normalize('NFD');
  const r = await admin.post('/api/v1/units', { code: 'TH-NTRAI', name: nfd, type: 'school', parent_code: 'SGDDT-HA-NOI' });
  assert.equal(r.status, 201);
  assert.equal(r.body.name, 'Trường Tiểu học Nguyễn Trãi'.normalize('NFC'));
  assert.notEqual(r.body.name, nfd);
  const s = await admin.get('/api/v1/units?q=' + encodeURIComponent('nguyen trai'));
  assert.ok(s.body.units.some((u) => u.code === 'TH-NTRAI'));
});

test('creating a unit twice is a 409; updating keeps its code and audits', async () => {
  const again = await admin.post('/api/v1/units', { code: 'TH-NTRAI', name: 'x', type: 'school', parent_code: 'SGDDT-HA-NOI' });
  assert.equal(again.status, 409);
  const before = Number(dbExec(store, 'SELECT seq FROM audit_head'));
  const up = await admin.patch('/api/v1/units/TH-NTRAI', { status: 'inactive', name_en: 'Nguyen Trai Primary School' });
  assert.equal(up.status, 200);
  assert.equal(up.body.status, 'inactive');
  assert.equal(Number(dbExec(store, 'SELECT seq FROM audit_head')), before + 1);
  const last = await admin.get('/api/v1/audit?limit=1');
  assert.equal(last.body.records[0].action, 'unit.update');
  assert.equal(last.body.records[0].target, 'unit:TH-NTRAI');
  assert.ok(last.body.records[0].before_digest && last.body.records[0].after_digest);
  const code = await admin.patch('/api/v1/units/TH-NTRAI', { code: 'NEW' });
  assert.equal(code.status, 400);
});

test('moving a unit moves its whole subtree', async () => {
  await admin.post('/api/v1/units', { code: 'MOVE-A', name: 'A', type: 'other', parent_code: 'SGDDT-HA-NOI' });
  await admin.post('/api/v1/units', { code: 'MOVE-B', name: 'B', type: 'other', parent_code: 'MOVE-A' });
  await admin.post('/api/v1/units', { code: 'MOVE-C', name: 'C', type: 'other', parent_code: 'MOVE-B' });
  const mv = await admin.patch('/api/v1/units/MOVE-A', { parent_code: 'SGDDT-HUE' });
  assert.equal(mv.status, 200, JSON.stringify(mv.body));
  const c = await admin.get('/api/v1/units/MOVE-C');
  assert.deepEqual(c.body.ancestors.map((a) => a.code), ['BGDDT', 'SGDDT-HUE', 'MOVE-A', 'MOVE-B']);
  assert.equal(c.body.depth, 4);
  const under = await admin.get('/api/v1/units?under=SGDDT-HUE');
  assert.ok(['MOVE-A', 'MOVE-B', 'MOVE-C'].every((x) => under.body.units.some((u) => u.code === x)));
  const cycle = await unchanged(() => admin.patch('/api/v1/units/MOVE-A', { parent_code: 'MOVE-C' }));
  assert.equal(cycle.status, 400);
  assert.match(cycle.body.error.message, /cycle/);
});

test('two concurrent moves cannot make a cycle (plans run inside the write transaction)', async () => {
  const t = bearer(tokens.unit_admin);
  for (let i = 0; i < 15; i++) {
    const a = `RACE-A${i}`, b = `RACE-B${i}`;
    assert.equal((await t.post('/api/v1/units', { code: a, name: 'A', type: 'other', parent_code: 'SGDDT-HA-NOI' })).status, 201);
    assert.equal((await t.post('/api/v1/units', { code: b, name: 'B', type: 'other', parent_code: 'SGDDT-HA-NOI' })).status, 201);
    const [r1, r2] = await Promise.all([
      t.patch(`/api/v1/units/${a}`, { parent_code: b }),
      t.patch(`/api/v1/units/${b}`, { parent_code: a }),
    ]);
    const codes = [r1.status, r2.status].sort();
    assert.deepEqual(codes, [200, 400], `${r1.text} ${r2.text}`);
    const ga = await t.get(`/api/v1/units/${a}`), gb = await t.get(`/api/v1/units/${b}`);
    assert.equal(ga.status, 200);
    assert.equal(gb.status, 200);
    assert.ok(ga.body.parent_code !== b || gb.body.parent_code !== a, 'a cycle was stored');
  }
  assert.equal((await admin.get('/healthz')).status, 200);
});

test('a move that would push a subtree deeper than 12 levels is refused', async () => {
  let parent = 'SGDDT-HA-NOI';
  for (let i = 1; i <= 9; i++) {
    const r = await admin.post('/api/v1/units', { code: `DEEP-${i}`, name: `Tầng ${i}`, type: 'other', parent_code: parent });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    parent = `DEEP-${i}`;
  }
  parent = 'SGDDT-HA-NOI';
  for (let i = 1; i <= 4; i++) {
    await admin.post('/api/v1/units', { code: `WIDE-${i}`, name: `Nhánh ${i}`, type: 'other', parent_code: parent });
    parent = `WIDE-${i}`;
  }
  const r = await unchanged(() => admin.patch('/api/v1/units/WIDE-1', { parent_code: 'DEEP-9' }));
  assert.equal(r.status, 400);
  assert.match(r.body.error.message, /deeper than 12 levels/);
});

// ---- CSV import -----------------------------------------------------------------------------------

const csvPost = (c, text, query = '') => c.req('POST', '/api/v1/units:import' + query, text, { 'content-type': 'text/csv' });

test('CSV import: upsert by code, BOM and quoted fields, idempotent, one audit record', async () => {
  const text = '\uFEFFcode,name,type,parent_code,province\r\n' +
    'THCS-NGOCLAM,"Trường THCS Ngọc Lâm, quận Long Biên",school,SGDDT-HA-NOI,ha-noi\r\n' +
    'TH-BATRANG,"Trường Tiểu học ""Bát Tràng""",school,SGDDT-HA-NOI,ha-noi\r\n';
  const seq0 = Number(dbExec(store, 'SELECT seq FROM audit_head'));
  const r = await csvPost(hanoi, text);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(r.body.created, 2);
  assert.equal(Number(dbExec(store, 'SELECT seq FROM audit_head')), seq0 + 1);
  const u = await hanoi.get('/api/v1/units/TH-BATRANG');
  assert.equal(u.body.name, 'Trường Tiểu học "Bát Tràng"');
  const again = await csvPost(hanoi, text);
  assert.deepEqual([again.body.created, again.body.updated, again.body.unchanged], [0, 0, 2]);
  assert.equal(Number(dbExec(store, 'SELECT seq FROM audit_head')), seq0 + 1);
  const dry = await csvPost(hanoi, 'code,name,type,parent_code\r\nDRY-ONLY,Khô,school,SGDDT-HA-NOI\r\n', '?dry_run=1');
  assert.equal(dry.body.created, 1);
  assert.equal((await hanoi.get('/api/v1/units/DRY-ONLY')).status, 404);
});

test('CSV errors are listed row by row and nothing is written', async () => {
  const text = 'code,name,type,parent_code,province\r\n' +
    'GOOD-1,Trường tốt,school,SGDDT-HA-NOI,ha-noi\r\n' +
    'bad code,Tên,school,SGDDT-HA-NOI,ha-noi\r\n' +
    'GOOD-2,,school,SGDDT-HA-NOI,ha-noi\r\n' +
    'GOOD-3,Tên,castle,SGDDT-HA-NOI,atlantis\r\n' +
    'GOOD-4,Tên,school,NO-SUCH-PARENT,\r\n' +
    'GOOD-1,Lặp lại,school,SGDDT-HA-NOI,\r\n' +
    'GOOD-5,Thiếu cột\r\n';
  const r = await unchanged(() => csvPost(admin, text));
  assert.equal(r.status, 400);
  assert.equal(r.body.error.code, 'invalid_csv');
  const got = r.body.errors.map((e) => `${e.row}:${e.column}`);
  assert.deepEqual(got, ['3:code', '4:name', '5:type', '5:province', '6:parent_code', '7:code', '8:']);
  assert.match(r.body.errors[6].reason, /2 fields; the header has 5/);
});

test('CSV: wrong header, NUL byte, invalid UTF-8, bad quoting and empty files are refused', async () => {
  const cases = [
    ['code,name\r\nX,Y\r\n', /lacks column type/],
    ['code,name,type,colour\r\nX,Y,school,red\r\n', /unknown column/],
    ['code,name,type\r\nX,Y\0Z,school\r\n', /NUL/],
    [Buffer.concat([Buffer.from('code,name,type\r\nX,'), Buffer.from([0xC3, 0x28]), Buffer.from(',school\r\n')]), /UTF-8/],
    ['code,name,type\r\nX,"unterminated,school\r\n', /not closed/],
    ['code,name,type\r\nX,ab"cd,school\r\n', /quote/],
    ['', /empty/],
    ['code,name,type\r\n', /no rows/],
  ];
  for (const [text, re] of cases) {
    const r = await unchanged(() => csvPost(admin, text));
    assert.equal(r.status, 400, String(text).slice(0, 40));
    assert.match(JSON.stringify(r.body), re);
  }
  const wrongType = await admin.req('POST', '/api/v1/units:import', 'code,name,type\r\n', { 'content-type': 'application/json' });
  assert.equal(wrongType.status, 415);
});

test('CSV: columns a file lacks keep their stored values', async () => {
  const before = (await admin.get('/api/v1/units/THPT-HN-AMS')).body;
  const r = await csvPost(admin, 'code,name,type\r\nTHPT-HN-AMS,Trường THPT chuyên Hà Nội – Amsterdam,school\r\n');
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.equal(r.body.updated, 1);
  const after = (await admin.get('/api/v1/units/THPT-HN-AMS')).body;
  assert.equal(after.name, 'Trường THPT chuyên Hà Nội – Amsterdam');
  for (const k of ['parent_code', 'province', 'status', 'name_en']) assert.equal(after[k], before[k], k);
  const empty = await csvPost(admin, 'code,name,type,status\r\nTHPT-HN-AMS,Trường THPT chuyên Hà Nội – Amsterdam,school,\r\n');
  assert.equal(empty.body.unchanged, 1); // an empty cell keeps the status too
});

test('CSV import: dry_run must be a clear yes or no; the media type must be text/csv', async () => {
  const text = 'code,name,type,parent_code\r\nDRY-2,Khô,school,SGDDT-HA-NOI\r\n';
  const r = await unchanged(() => csvPost(admin, text, '?dry_run=yes'));
  assert.equal(r.status, 400);
  assert.equal(r.body.error.field, 'dry_run');
  const ct = await unchanged(() => admin.req('POST', '/api/v1/units:import', text, { 'content-type': 'text/csvx' }));
  assert.equal(ct.status, 415);
  const ok = await unchanged(() => admin.req('POST', '/api/v1/units:import?dry_run=true', text, { 'content-type': 'text/csv; charset=utf-8' }));
  assert.equal(ok.status, 200);
});

test('CSV: a huge line of commas is refused without eating memory', async () => {
  const peak = () => Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${srv.proc.pid}/status`, 'utf8'))[1]);
  const before = peak();
  const text = 'code,name,type\r\nX,Y,school' + ','.repeat(20 * 1024 * 1024) + '\r\n';
  const r = await unchanged(() => csvPost(admin, text));
  assert.equal(r.status, 400);
  assert.match(r.body.errors[0].reason, /fields; the header has 3/);
  const grown = (peak() - before) / 1024;
  assert.ok(grown < 150, `peak memory grew by ${grown.toFixed(0)} MiB`);
});

test('CSV: a cycle between rows is refused', async () => {
  const r = await unchanged(() => csvPost(admin, 'code,name,type,parent_code\r\nCYC-A,A,other,CYC-B\r\nCYC-B,B,other,CYC-A\r\n'));
  assert.equal(r.status, 400);
  assert.match(JSON.stringify(r.body), /cycle/);
});

test('CSV: 100,000 rows import in one transaction; a bad last row rolls back all', async () => {
  const lines = ['code,name,type,parent_code,province'];
  for (let i = 0; i < 100000; i++) lines.push(`BULK-${i},Trường số ${i},school,SGDDT-QUANG-NINH,quang-ninh`);
  const good = lines.join('\r\n') + '\r\n';
  const bad = lines.slice(0, 100000).join('\r\n') + '\r\nBULK-LAST,Tên,school,SGDDT-QUANG-NINH,nowhere\r\n';
  const r1 = await unchanged(() => csvPost(admin, bad));
  assert.equal(r1.status, 400);
  assert.deepEqual(r1.body.errors, [{ row: 100001, column: 'province', reason: 'unknown province "nowhere"' }]);
  const r2 = await csvPost(admin, good);
  assert.equal(r2.status, 200, JSON.stringify(r2.body).slice(0, 300));
  assert.equal(r2.body.created, 100000);
  const q = await admin.get('/api/v1/units/BULK-99999');
  assert.equal(q.status, 200);
  assert.deepEqual(q.body.ancestors.map((a) => a.code), ['BGDDT', 'SGDDT-QUANG-NINH']);
});

test('units export round-trips through import unchanged', async () => {
  const csv = await admin.get('/api/v1:export'.replace('/api/v1:export', '/api/v1/units:export') + '?under=SGDDT-HA-NOI');
  assert.equal(csv.status, 200);
  assert.match(csv.headers.get('content-type'), /text\/csv/);
  const r = await csvPost(admin, csv.text);
  assert.equal(r.status, 200, JSON.stringify(r.body).slice(0, 300));
  assert.equal(r.body.created + r.body.updated, 0);
});

// ---- people ------------------------------------------------------------------------------------

test('people: ID numbers are validated, stored only as keyed hashes, found through the hash', async () => {
  assert.equal(personHN.status, 201, JSON.stringify(personHN.body));
  assert.equal(personHN.body.national_id_masked, '********2345');
  assert.ok(!JSON.stringify(personHN.body).includes('001185012345'));
  assert.equal(dbExec(store, "SELECT COUNT(*) FROM people WHERE nid_hash LIKE '%001185012345%' OR full_name LIKE '%001185012345%'"), '0');
  const found = await admin.post('/api/v1/people:lookup', { national_id: '001185012345' });
  assert.equal(found.status, 200);
  assert.equal(found.body.id, personHN.body.id);
  const dup = await unchanged(() => admin.post('/api/v1/people', { unit_code: 'THPT-CVA', full_name: 'Người khác', kind: 'learner', national_id: '001185012345' }));
  assert.equal(dup.status, 409);
  assert.match(dup.body.error.message, /already registered in your units/);
  // A unit admin elsewhere learns nothing about where (or that) the citizen is registered.
  const hcm = bearer(tokenFor('hcm.admin'));
  const probe = await unchanged(() => hcm.post('/api/v1/people', { unit_code: 'THPT-LHP', full_name: 'Dò Tìm', kind: 'learner', national_id: '001185012345' }));
  assert.equal(probe.status, 409);
  assert.doesNotMatch(probe.body.error.message, /already registered/);
  for (const nid of ['12345', '00118501234x', '999185012345', '001985012345', '0011850123456', 12345]) {
    const r = await unchanged(() => admin.post('/api/v1/people', { unit_code: 'THPT-CVA', full_name: 'Sai Số', kind: 'learner', national_id: nid }));
    assert.equal(r.status, 400, String(nid));
    assert.equal(r.body.error.field, 'national_id');
  }
  const list = await admin.get('/api/v1/people?unit=SGDDT-HA-NOI&subtree=1&q=lan');
  assert.ok(list.body.people.some((p) => p.id === personHN.body.id));
});

test('ID numbers never reach the logs', async () => {
  await admin.post('/api/v1/people:lookup', { national_id: '001185012345' });
  assert.ok(!srv.log.includes('001185012345'));
  assert.ok(!srv.log.includes('079209045678'));
  assert.ok(!srv.log.includes(PASSWORD));
});

// ---- bad input ------------------------------------------------------------------------------------

const body = (c, text, ct = 'application/json') => c.req('POST', '/api/v1/units', text, { 'content-type': ct });

test('malformed JSON, duplicate keys, invalid UTF-8, lone surrogates and NULs get 400', async () => {
  const cases = [
    ['{"code": "X", ', /invalid JSON/],
    ['[1,2,3]', /object/],
    ['', /empty/],
    ['{"code":"DUP-1","code":"DUP-2","name":"x","type":"school"}', /duplicate/],
    [Buffer.from([0x7B, 0x22, 0x6E, 0x61, 0x6D, 0x65, 0x22, 0x3A, 0x22, 0xFF, 0xFE, 0x22, 0x7D]), /UTF-8/],
    ['{"code":"SURR","name":"\\ud800","type":"school","parent_code":"SGDDT-HA-NOI"}', /invalid/i],
    ['{"code":"NUL","name":"a\\u0000b","type":"school","parent_code":"SGDDT-HA-NOI"}', /NUL/],
    ['{"code":"X","name":"x","type":"school"} trailing', /invalid JSON/],
  ];
  for (const [text, re] of cases) {
    const r = await unchanged(() => body(admin, text));
    assert.equal(r.status, 400, String(text));
    assert.match(r.body.error.message, re, String(text));
  }
  const ct = await unchanged(() => body(admin, '{"code":"X"}', 'text/plain'));
  assert.equal(ct.status, 415);
});

test('numbers out of range and wrong types name the field', async () => {
  const c = await srv.login('teacher');
  for (const days of ['1e400', '99999999999999999999', '-1', '731', '1.5', '"30"']) {
    const r = await unchanged(() => c.req('POST', '/api/v1/tokens', `{"name":"n","expires_in_days":${days}}`, { 'content-type': 'application/json' }));
    assert.equal(r.status, 400, days);
  }
  const t = await unchanged(() => admin.post('/api/v1/units', { code: 'TYPES', name: 42, type: 'school' }));
  assert.equal(t.status, 400);
  assert.equal(t.body.error.field, 'name');
  const lim = await admin.get('/api/v1/units?limit=100000');
  assert.equal(lim.status, 400);
  assert.equal(lim.body.error.field, 'limit');
});

test('query strings must be valid UTF-8 text', async () => {
  for (const q of ['under=%FF', 'q=%C3%28', 'q=a%00b', 'q=%0A']) {
    const r = await admin.get('/api/v1/units?' + q);
    assert.equal(r.status, 400, q);
    assert.equal(r.body.error.code, 'invalid_query');
  }
});

test('unknown fields are refused where the schema is fixed', async () => {
  const cases = [
    ['/api/v1/units', { code: 'UNK', name: 'x', type: 'school', parent_code: 'SGDDT-HA-NOI', colour: 'red' }, 'colour'],
    ['/api/v1/people', { unit_code: 'THPT-CVA', full_name: 'x y', kind: 'teacher', national_id: '001185099999', birthday: '2000' }, 'birthday'],
    ['/api/v1/session', { username: 'admin', password: PASSWORD, remember: true }, 'remember'],
    ['/api/v1/users', { username: 'unk.user', display_name: 'x', role: 'teacher', unit_code: 'THPT-CVA', password: PASSWORD, admin: true }, 'admin'],
  ];
  for (const [url, b, field] of cases) {
    const r = await unchanged(() => admin.post(url, b));
    assert.equal(r.status, 400, url);
    assert.equal(r.body.error.code, 'unknown_field');
    assert.equal(r.body.error.field, field);
  }
});

test('SQL metacharacters in every text field are stored or refused as text, never run', async () => {
  const evil = "x'); DROP TABLE units; --\"";
  const r = await admin.post('/api/v1/units', { code: 'SQLI-1', name: evil, name_en: evil, type: 'school', parent_code: 'SGDDT-HA-NOI' });
  assert.equal(r.status, 201);
  assert.equal(r.body.name, evil);
  const code = await unchanged(() => admin.post('/api/v1/units', { code: "A'; DROP TABLE units;--", name: 'x', type: 'school' }));
  assert.equal(code.status, 400);
  for (const f of ['type', 'province', 'parent_code', 'status']) {
    const b = { code: 'SQLI-2', name: 'x', type: 'school', parent_code: 'SGDDT-HA-NOI', [f]: "' OR '1'='1" };
    const x = await unchanged(() => admin.post('/api/v1/units', b));
    assert.equal(x.status, 400, f);
    assert.equal(x.body.error.field, f);
  }
  const q = await admin.get('/api/v1/units?q=' + encodeURIComponent("' OR 1=1 --") + '&type=' + encodeURIComponent("school' OR '1'='1"));
  assert.equal(q.status, 400);
  const q2 = await admin.get('/api/v1/units?q=' + encodeURIComponent("%' OR '1'='1"));
  assert.equal(q2.status, 200);
  assert.equal(q2.body.units.length, 0);
  const p = await admin.post('/api/v1/people', { unit_code: 'THPT-CVA', full_name: evil, kind: 'staff', national_id: '001190077777' });
  assert.equal(p.status, 201);
  assert.equal(p.body.full_name, evil);
  const u = await admin.post('/api/v1/users', { username: 'sqli.user', display_name: evil, role: 'teacher', unit_code: 'THPT-CVA', password: PASSWORD });
  assert.equal(u.status, 201);
  const l = await new Client(srv.base).post('/api/v1/session', { username: "admin' --", password: "' OR '1'='1" });
  assert.equal(l.status, 401);
  assert.ok(Number(dbExec(store, 'SELECT COUNT(*) FROM units')) > 100000);
});

test('path traversal in static paths is refused', async () => {
  for (const p of ['/../../etc/passwd', '/%2e%2e/%2e%2e/etc/passwd', '/js/..%2f..%2fMakefile', '/./index.html',
    '/web/../Makefile', '/..%5c..%5cetc%5cpasswd', '//etc/passwd', '/index.html%00.js']) {
    const r = await rawRequest(port, `GET ${p} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
    assert.ok([400, 404].includes(r.status), `${p}: ${r.status}`);
    assert.ok(!/root:|CFLAGS/.test(r.text), p);
  }
});

test('oversized bodies get 413, declared or streamed', async () => {
  const big = '{"name":"' + 'a'.repeat(1100000) + '"}';
  const r = await unchanged(() => admin.post('/api/v1/units', big));
  assert.equal(r.status, 413);
  assert.equal(r.body.error.code, 'payload_too_large');
  const declared = await rawRequest(port, 'POST /api/v1/units:import HTTP/1.1\r\nHost: x\r\nContent-Type: text/csv\r\n' +
    `Authorization: Bearer ${tokens.ministry_admin}\r\nContent-Length: 900000000\r\n\r\n`);
  assert.equal(declared.status, 413);
  assert.match(declared.text, /larger than 67108864 bytes/);
  const anon = await rawRequest(port, 'POST /api/v1/units:import HTTP/1.1\r\nHost: x\r\nContent-Type: text/csv\r\nContent-Length: 900000000\r\n\r\n');
  assert.equal(anon.status, 401); // who you are is checked before the size
  const chunk = 'a'.repeat(65536);
  const parts = ['POST /api/v1/session HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n'];
  for (let i = 0; i < 20; i++) parts.push(`${chunk.length.toString(16)}\r\n${chunk}\r\n`);
  parts.push('0\r\n\r\n');
  const streamed = await rawRequest(port, parts);
  assert.equal(streamed.status, 413, streamed.text.slice(0, 200));
});

test('oversized headers get 431', async () => {
  const r = await rawRequest(port, `GET /api/v1/units HTTP/1.1\r\nHost: x\r\nX-Big: ${'b'.repeat(20000)}\r\n\r\n`);
  assert.equal(r.status, 431, r.text.slice(0, 200));
  assert.match(r.text, /"code":"headers_too_large"/);
  assert.match(r.text, /X-Request-Id: /i);
  const many = Array.from({ length: 600 }, (_, i) => `X-H${i}: ${'v'.repeat(30)}`).join('\r\n');
  const r2 = await rawRequest(port, `GET /healthz HTTP/1.1\r\nHost: x\r\n${many}\r\n\r\n`);
  assert.equal(r2.status, 431);
  // Far beyond the limit, libmicrohttpd refuses before edudx sees the request: still 431.
  const r3 = await rawRequest(port, `GET /healthz HTTP/1.1\r\nHost: x\r\nX-Huge: ${'h'.repeat(100000)}\r\n\r\n`);
  assert.equal(r3.status, 431);
});

test('a request body that arrives too slowly gets 408', async () => {
  const head = 'POST /api/v1/session HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 60\r\n\r\n';
  const r = await rawRequest(port, [head, '{"username":', '"admin",', '"password":', '"xx"', ' '.repeat(10)], { delayMs: 1100, timeoutMs: 15000 });
  assert.equal(r.status, 408, r.text.slice(0, 200));
  assert.match(r.text, /request_timeout/);
});

test('the server survives all of the above and still answers', async () => {
  assert.equal((await admin.get('/api/v1/units/BGDDT')).status, 200);
  assert.equal(srv.proc.exitCode, null);
});

// ---- audit ---------------------------------------------------------------------------------------

test('every write left one audit record and the chain verifies', async () => {
  const v = await admin.get('/api/v1/audit:verify');
  assert.equal(v.status, 200);
  assert.equal(v.body.intact, true);
  assert.ok(v.body.records > 10);
  const recs = await admin.get('/api/v1/audit?limit=1000');
  const actions = new Set(recs.body.records.map((r) => r.action));
  for (const a of ['units.import', 'unit.create', 'unit.update', 'person.create', 'user.create', 'user.status',
    'user.password', 'token.create', 'token.revoke', 'auth.login', 'auth.logout', 'auth.session_revoke']) assert.ok(actions.has(a), a);
  const raw = JSON.stringify(recs.body);
  assert.ok(!raw.includes('001185012345'));
  assert.ok(!raw.includes(PASSWORD));
});

test('verifying the audit chain while writers run never raises a false alarm', async () => {
  const t = bearer(tokens.ministry_admin);
  let stop = false;
  const writer = (async () => {
    for (let i = 0; !stop; i++) await t.patch('/api/v1/units/TH-NTRAI', { name_en: `Nguyen Trai ${i}` });
  })();
  for (let i = 0; i < 60; i++) {
    const v = await t.get('/api/v1/audit:verify');
    assert.equal(v.body.intact, true, JSON.stringify(v.body));
  }
  stop = true;
  await writer;
});

// ---- throttling (late: it locks out this client address) -------------------------------------

test('sign-in is throttled per account, also for accounts that do not exist', async () => {
  const c = new Client(srv.base);
  for (const user of ['learner', 'ghost.account']) {
    for (let i = 0; i < 5; i++) assert.equal((await c.post('/api/v1/session', { username: user, password: 'wrong-pass-' + i })).status, 401);
    const r = await c.post('/api/v1/session', { username: user, password: PASSWORD });
    assert.equal(r.status, 429, user);
    assert.ok(Number(r.headers.get('retry-after')) > 800, user);
    assert.equal(r.body.error.code, 'too_many_attempts');
  }
  // Another account from the same address is still fine (below the address limit).
  assert.equal((await c.post('/api/v1/session', { username: 'teacher', password: PASSWORD })).status, 200);
  // Parallel guesses are counted before the password is checked: no more than 5 get through.
  const burst = await Promise.all(Array.from({ length: 8 }, (_, i) =>
    new Client(srv.base).post('/api/v1/session', { username: 'hcm.admin', password: 'parallel-guess-' + i })));
  const codes = burst.map((r) => r.status).sort();
  assert.deepEqual(codes, [401, 401, 401, 401, 401, 429, 429, 429]);
});

test('sign-in is throttled per client address across accounts', async () => {
  const c = new Client(srv.base);
  let status = 0;
  for (let i = 0; i < 40 && status !== 429; i++) {
    status = (await c.post('/api/v1/session', { username: `spray${i}`, password: 'wrong-pass-x' })).status;
  }
  assert.equal(status, 429);
  const r = await c.post('/api/v1/session', { username: 'admin', password: PASSWORD });
  assert.equal(r.status, 429);
});

// ---- graceful shutdown (last: it stops the server) ---------------------------------------------

test('SIGTERM lets a request in flight finish, then exits 0', async () => {
  const payload = JSON.stringify({ code: 'LATE-WRITE', name: 'Trường cuối', type: 'school', parent_code: 'SGDDT-HUE' });
  const head = 'POST /api/v1/units HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n' +
    `Authorization: Bearer ${tokens.ministry_admin}\r\nContent-Length: ${Buffer.byteLength(payload)}\r\n\r\n`;
  const pending = rawRequest(port, [head, payload.slice(0, 10), payload.slice(10)], { delayMs: 700, timeoutMs: 10000 });
  await new Promise((r) => setTimeout(r, 300));
  srv.proc.kill('SIGTERM');
  const r = await pending;
  assert.equal(r.status, 201, r.text.slice(0, 200));
  const { code } = await srv.exited;
  assert.equal(code, 0);
  await assert.rejects(fetch(srv.base + '/healthz'));
  assert.match(srv.log, /http.drain/);
  assert.match(dbExec(store, "SELECT name FROM units WHERE code = 'LATE-WRITE'"), /Trường cuối/);
});

const failed = await run(SUITE);
await srv.stop();
store.cleanup();
process.exitCode = failed ? 1 : 0;
