// docs/openapi.json stays true: it is a well-formed OpenAPI 3.1 document, it names
// exactly the server's routes with their roles, the server serves it unchanged, and
// real answers of a running server match the schemas it documents.
//
// Run: EDX_BIN=build/edudx node tests/api/openapi.mjs
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test, assert, run } from '../lib/harness.mjs';
import { ROOT, PASSWORD, freshStore, seededStore, Server, cli } from '../lib/server.mjs';

const DOC_FILE = path.join(ROOT, 'docs/openapi.json');
const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

let cachedDoc = null;
function loadDoc() {
  if (!cachedDoc) cachedDoc = JSON.parse(readFileSync(DOC_FILE, 'utf8'));
  return cachedDoc;
}

// ---- $ref resolution -------------------------------------------------------------------

function resolvePointer(doc, ref) {
  if (typeof ref !== 'string' || !ref.startsWith('#/')) throw new Error(`not a local $ref: ${ref}`);
  let node = doc;
  for (const raw of ref.slice(2).split('/')) {
    const key = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
    if (node === null || typeof node !== 'object' || !Object.hasOwn(node, key)) {
      throw new Error(`$ref ${ref} does not resolve (no "${key}")`);
    }
    node = node[key];
  }
  return node;
}

// Every "$ref" string anywhere in the document, with where it was found.
function allRefs(node, where = '#', out = []) {
  if (Array.isArray(node)) {
    node.forEach((v, i) => allRefs(v, `${where}/${i}`, out));
  } else if (node && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) {
      if (k === '$ref' && typeof v === 'string') out.push({ ref: v, where });
      else allRefs(v, `${where}/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`, out);
    }
  }
  return out;
}

// Follow a chain of $ref objects (responses, parameters) to the real object.
function deref(doc, node) {
  let seen = 0;
  while (node && typeof node === 'object' && typeof node.$ref === 'string') {
    if (++seen > 20) throw new Error('$ref loop');
    node = resolvePointer(doc, node.$ref);
  }
  return node;
}

// ---- a small JSON Schema validator -----------------------------------------------------
// Supports what docs/openapi.json uses: type (string or array, so nullable is
// ["string","null"]), required, properties, additionalProperties (false or a
// schema), items, enum, const, $ref, pattern, minLength, maxLength, minimum,
// maximum. Any other keyword that constrains values is refused, so the document
// cannot rely on something this test does not check.

const ANNOTATIONS = new Set(['description', 'title', 'examples', 'example', 'format', 'default',
  'deprecated', 'readOnly', 'writeOnly', '$comment']);
const KEYWORDS = new Set(['$ref', 'type', 'required', 'properties', 'additionalProperties', 'items',
  'enum', 'const', 'pattern', 'minLength', 'maxLength', 'minimum', 'maximum']);

function typeOf(v) {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v; // string, boolean, object
}

function typeMatches(want, v) {
  const t = typeOf(v);
  return want === t || (want === 'number' && t === 'integer');
}

function same(a, b) {
  return JSON.stringify(a) === JSON.stringify(b);
}

function validate(doc, schema, value, where = '$', errors = [], depth = 0) {
  if (depth > 64) throw new Error(`schema nesting too deep at ${where}`);
  if (schema === true) return errors;
  if (schema === false) {
    errors.push(`${where}: no value is allowed here`);
    return errors;
  }
  if (!schema || typeof schema !== 'object') throw new Error(`bad schema at ${where}`);
  for (const k of Object.keys(schema)) {
    if (!KEYWORDS.has(k) && !ANNOTATIONS.has(k)) throw new Error(`schema keyword "${k}" (at ${where}) is not supported by this validator`);
  }
  if (schema.$ref !== undefined) validate(doc, resolvePointer(doc, schema.$ref), value, where, errors, depth + 1);
  if (schema.type !== undefined) {
    const types = [].concat(schema.type);
    if (!types.some((t) => typeMatches(t, value))) {
      errors.push(`${where}: is ${typeOf(value)}, want ${types.join(' or ')}`);
      return errors; // further checks would only repeat the problem
    }
  }
  if (schema.enum !== undefined && !schema.enum.some((e) => same(e, value))) {
    errors.push(`${where}: ${JSON.stringify(value)} is not one of ${JSON.stringify(schema.enum)}`);
  }
  if (schema.const !== undefined && !same(schema.const, value)) {
    errors.push(`${where}: ${JSON.stringify(value)} is not ${JSON.stringify(schema.const)}`);
  }
  if (typeof value === 'string') {
    const n = [...value].length;
    if (schema.minLength !== undefined && n < schema.minLength) errors.push(`${where}: shorter than ${schema.minLength}`);
    if (schema.maxLength !== undefined && n > schema.maxLength) errors.push(`${where}: longer than ${schema.maxLength}`);
    if (schema.pattern !== undefined && !new RegExp(schema.pattern, 'u').test(value)) {
      errors.push(`${where}: ${JSON.stringify(value)} does not match /${schema.pattern}/`);
    }
  }
  if (typeof value === 'number') {
    if (schema.minimum !== undefined && value < schema.minimum) errors.push(`${where}: ${value} < ${schema.minimum}`);
    if (schema.maximum !== undefined && value > schema.maximum) errors.push(`${where}: ${value} > ${schema.maximum}`);
  }
  if (typeOf(value) === 'object') {
    for (const k of schema.required || []) {
      if (!Object.hasOwn(value, k)) errors.push(`${where}: lacks required "${k}"`);
    }
    const props = schema.properties || {};
    for (const [k, v] of Object.entries(value)) {
      if (Object.hasOwn(props, k)) {
        validate(doc, props[k], v, `${where}.${k}`, errors, depth + 1);
      } else if (schema.additionalProperties === false) {
        errors.push(`${where}: unexpected property "${k}"`);
      } else if (schema.additionalProperties && typeof schema.additionalProperties === 'object') {
        validate(doc, schema.additionalProperties, v, `${where}.${k}`, errors, depth + 1);
      }
    }
  }
  if (Array.isArray(value) && schema.items !== undefined) {
    value.forEach((v, i) => validate(doc, schema.items, v, `${where}[${i}]`, errors, depth + 1));
  }
  return errors;
}

// Every schema object of the document: components.schemas, parameter, header and media
// type schemas, and the subschemas below them.
function allSchemas(doc) {
  const out = [];
  const walk = (schema, where) => {
    if (!schema || typeof schema !== 'object') return;
    out.push({ schema, where });
    for (const [k, v] of Object.entries(schema.properties || {})) walk(v, `${where}/properties/${k}`);
    if (schema.items) walk(schema.items, `${where}/items`);
    if (schema.additionalProperties && typeof schema.additionalProperties === 'object') walk(schema.additionalProperties, `${where}/additionalProperties`);
  };
  const visit = (node, where) => {
    if (Array.isArray(node)) return node.forEach((v, i) => visit(v, `${where}/${i}`));
    if (!node || typeof node !== 'object') return;
    for (const [k, v] of Object.entries(node)) {
      if (k === 'schema') walk(v, `${where}/schema`);
      else if (k !== 'schemas') visit(v, `${where}/${k}`);
    }
  };
  for (const [name, s] of Object.entries(doc.components?.schemas || {})) walk(s, `#/components/schemas/${name}`);
  visit(doc.paths, '#/paths');
  visit({ ...doc.components, schemas: undefined }, '#/components');
  return out;
}

// Check a real answer against what the document says for this operation and status.
function checkResponse(method, template, res) {
  const doc = loadDoc();
  const what = `${method} ${template} → ${res.status}`;
  const op = doc.paths[template]?.[method.toLowerCase()];
  assert.ok(op, `${method} ${template} is not documented`);
  const documented = op.responses[String(res.status)] ?? op.responses.default;
  assert.ok(documented, `${what}: this status is not documented (documented: ${Object.keys(op.responses).join(', ')})`);
  const r = deref(doc, documented);
  for (const name of Object.keys(r.headers || {})) {
    if (name.toLowerCase() === 'x-request-id' || name.toLowerCase() === 'retry-after') {
      assert.ok(res.headers.get(name), `${what}: documented header ${name} is missing`);
    }
  }
  const ct = (res.headers.get('content-type') || '').split(';')[0].trim().toLowerCase();
  if (!r.content) {
    assert.equal(res.text, '', `${what}: documented without a body but has one`);
    return;
  }
  const media = r.content[ct];
  assert.ok(media, `${what}: content-type ${ct || '(none)'} is not documented (documented: ${Object.keys(r.content).join(', ')})`);
  if (ct === 'application/json') {
    assert.ok(res.body !== null, `${what}: body is not JSON: ${res.text.slice(0, 200)}`);
    const errors = validate(doc, media.schema, res.body);
    assert.deepEqual(errors, [], `${what}: the answer does not match the documented schema:\n  ${errors.join('\n  ')}\nbody: ${res.text.slice(0, 500)}`);
  } else {
    assert.equal(typeof res.text, 'string');
    if (media.schema) assert.deepEqual(validate(doc, media.schema, res.text), [], `${what}: text body`);
  }
}

function docOperations(doc) {
  const ops = [];
  for (const [p, item] of Object.entries(doc.paths)) {
    for (const m of METHODS) if (item[m]) ops.push({ method: m.toUpperCase(), path: p, op: item[m] });
  }
  return ops;
}

function serverRoutes() {
  const store = freshStore();
  try {
    const r = cli(store, ['--json', 'routes']);
    assert.equal(r.status, 0, `edudx --json routes failed: ${r.stderr}`);
    const routes = JSON.parse(r.stdout);
    assert.ok(Array.isArray(routes) && routes.length > 0, 'no routes listed');
    return routes;
  } finally {
    store.cleanup();
  }
}

// ---- 1 ------------------------------------------------------------------------------------

test('the document parses as OpenAPI 3.1 and every $ref resolves inside it', () => {
  const doc = JSON.parse(readFileSync(DOC_FILE, 'utf8'));
  assert.match(doc.openapi, /^3\.1\.\d+$/, 'openapi version');
  assert.equal(doc.info?.title, 'edudx API');
  assert.equal(doc.info?.version, '0.1.0');
  assert.ok(doc.info?.description?.length > 200, 'info.description');
  assert.deepEqual(doc.servers, [{ url: '/' }]);
  assert.ok(doc.paths && Object.keys(doc.paths).length > 0, 'paths');
  const refs = allRefs(doc);
  assert.ok(refs.length > 50, `only ${refs.length} $refs`);
  const broken = [];
  for (const { ref, where } of refs) {
    try {
      resolvePointer(doc, ref);
    } catch (e) {
      broken.push(`${where}: ${e.message}`);
    }
  }
  assert.deepEqual(broken, [], 'unresolved $refs');
  // Every schema of the document uses only keywords the validator below checks.
  const unsupported = [];
  for (const { schema, where } of allSchemas(doc)) {
    for (const k of Object.keys(schema)) {
      if (!KEYWORDS.has(k) && !ANNOTATIONS.has(k)) unsupported.push(`${where}: ${k}`);
    }
  }
  assert.deepEqual(unsupported, [], 'schema keywords the validator does not check');
  const schemes = doc.components.securitySchemes;
  assert.deepEqual(schemes.session && [schemes.session.type, schemes.session.in, schemes.session.name], ['apiKey', 'cookie', 'edx_session']);
  assert.deepEqual(schemes.bearer && [schemes.bearer.type, schemes.bearer.scheme], ['http', 'bearer']);
});

// ---- 2 ------------------------------------------------------------------------------------

test('the document has exactly the routes of `edudx routes --json`, with their roles', () => {
  const doc = loadDoc();
  const routes = serverRoutes();
  const problems = [];
  const serverKeys = new Set();
  for (const rt of routes) {
    const key = `${rt.method} ${rt.path}`;
    serverKeys.add(key);
    const op = doc.paths[rt.path]?.[rt.method.toLowerCase()];
    if (!op) {
      problems.push(`missing in the document: ${key}`);
      continue;
    }
    if (JSON.stringify(op['x-roles']) !== JSON.stringify(rt.roles)) {
      problems.push(`${key}: x-roles ${JSON.stringify(op['x-roles'])}, server ${JSON.stringify(rt.roles)}`);
    }
  }
  for (const { method, path: p } of docOperations(doc)) {
    if (!serverKeys.has(`${method} ${p}`)) problems.push(`in the document but not in the server: ${method} ${p}`);
  }
  assert.deepEqual(problems, []);
});

test('every operation is complete: id, summary, security, responses, CSRF header on cookie writes', () => {
  const doc = loadDoc();
  const routes = new Map(serverRoutes().map((r) => [`${r.method} ${r.path}`, r]));
  const ids = new Set();
  const problems = [];
  for (const { method, path: p, op } of docOperations(doc)) {
    const key = `${method} ${p}`;
    const rt = routes.get(key);
    if (!op.operationId) problems.push(`${key}: no operationId`);
    else if (ids.has(op.operationId)) problems.push(`${key}: operationId ${op.operationId} used twice`);
    ids.add(op.operationId);
    if (!op.summary) problems.push(`${key}: no summary`);
    if (!Array.isArray(op.security) || op.security.length === 0) problems.push(`${key}: no security`);
    const statuses = Object.keys(op.responses || {});
    if (!statuses.some((s) => /^2\d\d$/.test(s))) problems.push(`${key}: no success response`);
    const pathParams = [...p.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
    const params = (op.parameters || []).map((x) => deref(doc, x));
    for (const name of pathParams) {
      if (!params.some((x) => x.in === 'path' && x.name === name && x.required === true)) problems.push(`${key}: path parameter ${name} not documented`);
    }
    if (!rt) continue;
    const signedIn = !rt.roles.includes('public');
    if (signedIn && !statuses.includes('401')) problems.push(`${key}: no 401`);
    const write = !['GET', 'HEAD'].includes(method);
    const hasCsrf = params.some((x) => x.in === 'header' && x.name === 'X-CSRF-Token');
    if (write && signedIn && !rt.csrf_exempt && !hasCsrf) problems.push(`${key}: no X-CSRF-Token header parameter`);
    if (rt.csrf_exempt && hasCsrf) problems.push(`${key}: CSRF-exempt but documents X-CSRF-Token`);
    if (write) {
      if (op.requestBody && !statuses.includes('413')) problems.push(`${key}: takes a body but documents no 413`);
      if (op.requestBody && !statuses.includes('415')) problems.push(`${key}: takes a body but documents no 415`);
    }
    if (rt.upload) {
      // Uploads are files, not JSON: CSV imports, evidence files.
      const body = deref(doc, op.requestBody);
      const types = Object.keys(body?.content || {});
      if (!types.some((t) => t === 'text/csv' || t === 'application/octet-stream')) problems.push(`${key}: an upload route without a text/csv or binary body`);
    }
  }
  assert.deepEqual(problems, []);
});

// ---- 3 ------------------------------------------------------------------------------------

test('the server serves /api/v1/openapi.json byte for byte as docs/openapi.json', async () => {
  const store = freshStore();
  const server = new Server(store, ['--access-log', 'off']);
  try {
    let r = cli(store, ['init']);
    assert.equal(r.status, 0, r.stderr);
    await server.start();
    const res = await fetch(server.base + '/api/v1/openapi.json');
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'application/json');
    const served = Buffer.from(await res.arrayBuffer());
    const file = readFileSync(DOC_FILE);
    assert.ok(served.equals(file), `served ${served.length} bytes differ from docs/openapi.json (${file.length} bytes): rebuild after editing it`);
    checkResponse('GET', '/api/v1/openapi.json', { status: 200, headers: res.headers, body: JSON.parse(served), text: served.toString('utf8') });
  } finally {
    await server.stop();
    store.cleanup();
  }
});

// ---- 4 ------------------------------------------------------------------------------------

test('the validator catches answers that do not match', () => {
  const doc = loadDoc();
  const unit = {
    code: 'X', name: 'x', name_en: null, type: 'school', parent_code: null, province: null,
    status: 'active', depth: 0, children_count: 0, created_at: '2026-01-01T00:00:00Z', updated_at: '2026-01-01T00:00:00Z',
  };
  const s = { $ref: '#/components/schemas/Unit' };
  assert.deepEqual(validate(doc, s, unit), []);
  assert.notDeepEqual(validate(doc, s, { ...unit, extra: 1 }), [], 'additionalProperties false');
  assert.notDeepEqual(validate(doc, s, { ...unit, depth: '0' }), [], 'type');
  assert.notDeepEqual(validate(doc, s, { ...unit, type: 'castle' }), [], 'enum');
  assert.notDeepEqual(validate(doc, s, { ...unit, name: null }), [], 'not nullable');
  const { code, ...noCode } = unit;
  assert.ok(code);
  assert.notDeepEqual(validate(doc, s, noCode), [], 'required');
  const list = { $ref: '#/components/schemas/UnitList' };
  assert.deepEqual(validate(doc, list, { units: [unit], limit: 1, offset: 0, next_offset: null }), []);
  assert.notDeepEqual(validate(doc, list, { units: [{ ...unit, status: 'gone' }], limit: 1, offset: 0, next_offset: null }), [], 'items');
  assert.notDeepEqual(validate(doc, { $ref: '#/components/schemas/Error' }, { error: { code: 'x', message: 'y' } }), [], 'nested required');
});

test('real answers of the server match the documented schemas', async () => {
  const store = seededStore();
  const server = new Server(store, ['--access-log', 'off']);
  try {
    await server.start();
    const anon = server.client();
    const admin = server.client();

    // Sign-in and the session.
    let res = await admin.post('/api/v1/session', { username: 'admin', password: PASSWORD });
    assert.equal(res.status, 200, res.text);
    checkResponse('POST', '/api/v1/session', res);
    assert.ok(admin.cookie && admin.csrf);
    res = await admin.get('/api/v1/session');
    assert.equal(res.status, 200);
    assert.equal(res.body.auth, 'session');
    checkResponse('GET', '/api/v1/session', res);

    // Built-ins.
    for (const p of ['/healthz', '/readyz']) {
      res = await anon.get(p);
      assert.equal(res.status, 200);
      checkResponse('GET', p, res);
    }
    res = await anon.get('/metrics');
    assert.equal(res.status, 200);
    assert.match(res.text, /# TYPE edx_http_requests_total counter/);
    checkResponse('GET', '/metrics', res);

    // Units.
    res = await admin.get('/api/v1/provinces');
    assert.equal(res.status, 200);
    assert.equal(res.body.provinces.length, 34);
    checkResponse('GET', '/api/v1/provinces', res);
    res = await admin.get('/api/v1/units/THPT-CVA');
    assert.equal(res.status, 200);
    assert.ok(res.body.ancestors.length >= 1);
    checkResponse('GET', '/api/v1/units/{code}', res);
    res = await admin.get('/api/v1/units?parent=');
    assert.equal(res.status, 200);
    assert.ok(res.body.units.length >= 1);
    checkResponse('GET', '/api/v1/units', res);
    res = await admin.get('/api/v1/units?under=SGDDT-HA-NOI&q=chu%20van&limit=2');
    assert.equal(res.status, 200);
    checkResponse('GET', '/api/v1/units', res);
    res = await admin.get('/api/v1/units/NO-SUCH-UNIT');
    assert.equal(res.status, 404);
    assert.equal(res.body.error.code, 'not_found');
    checkResponse('GET', '/api/v1/units/{code}', res);
    res = await admin.get('/api/v1/units?limit=501');
    assert.equal(res.status, 400);
    checkResponse('GET', '/api/v1/units', res);
    res = await anon.get('/api/v1/units');
    assert.equal(res.status, 401);
    checkResponse('GET', '/api/v1/units', res);
    res = await admin.post('/api/v1/units', { code: 'T-OPENAPI', name: 'Trường thử', type: 'school', parent_code: 'THPT-CVA' });
    assert.equal(res.status, 201, res.text);
    checkResponse('POST', '/api/v1/units', res);
    res = await admin.patch('/api/v1/units/T-OPENAPI', { name_en: 'Test school', status: 'inactive' });
    assert.equal(res.status, 200, res.text);
    checkResponse('PATCH', '/api/v1/units/{code}', res);
    res = await admin.post('/api/v1/units', { code: 'T-OPENAPI', name: 'x', type: 'school', colour: 'red' });
    assert.equal(res.status, 400);
    assert.equal(res.body.error.code, 'unknown_field');
    checkResponse('POST', '/api/v1/units', res);
    res = await admin.post('/api/v1/units', 'code=X', { 'content-type': 'application/x-www-form-urlencoded' });
    assert.equal(res.status, 415);
    checkResponse('POST', '/api/v1/units', res);
    res = await admin.post('/api/v1/units', { code: 'X' }, { 'x-csrf-token': 'wrong' });
    assert.equal(res.status, 403);
    assert.equal(res.body.error.code, 'csrf_failed');
    checkResponse('POST', '/api/v1/units', res);

    // CSV import and export.
    const csv = '\uFEFFcode,name,type,parent_code\r\nT-OPENAPI-2,Trường thử 2,school,T-OPENAPI\r\n';
    res = await admin.req('POST', '/api/v1/units:import?dry_run=1', csv, { 'content-type': 'text/csv' });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body.dry_run, true);
    checkResponse('POST', '/api/v1/units:import', res);
    res = await admin.req('POST', '/api/v1/units:import', 'code,name,type\r\nBAD CODE,x,school\r\nT-OK,x,castle\r\n', { 'content-type': 'text/csv' });
    assert.equal(res.status, 400);
    assert.ok(res.body.errors.length >= 2);
    checkResponse('POST', '/api/v1/units:import', res);
    res = await admin.get('/api/v1/units:export?under=T-OPENAPI');
    assert.equal(res.status, 200);
    assert.match(res.text, /^code,name,type,parent_code,province,status,name_en\r\n/);
    checkResponse('GET', '/api/v1/units:export', res);

    // People.
    res = await admin.post('/api/v1/people', { unit_code: 'T-OPENAPI', full_name: 'Nguyễn Thị Thử', kind: 'teacher', national_id: '001190123456' });
    assert.equal(res.status, 201, res.text);
    checkResponse('POST', '/api/v1/people', res);
    const personId = res.body.id;
    res = await admin.get('/api/v1/people?unit=THPT-CVA&subtree=1');
    assert.equal(res.status, 200);
    assert.equal(res.body.people.length, 1);
    checkResponse('GET', '/api/v1/people', res);
    res = await admin.get(`/api/v1/people/${personId}`);
    assert.equal(res.status, 200);
    checkResponse('GET', '/api/v1/people/{id}', res);
    res = await admin.post('/api/v1/people:lookup', { national_id: '001190123456' });
    assert.equal(res.status, 200);
    checkResponse('POST', '/api/v1/people:lookup', res);

    // Accounts and tokens.
    res = await admin.get('/api/v1/users');
    assert.equal(res.status, 200);
    checkResponse('GET', '/api/v1/users', res);
    res = await admin.get('/api/v1/users/teacher');
    assert.equal(res.status, 200);
    checkResponse('GET', '/api/v1/users/{username}', res);
    res = await admin.post('/api/v1/tokens', { name: 'openapi test', scope: 'read', expires_in_days: 1 });
    assert.equal(res.status, 201, res.text);
    checkResponse('POST', '/api/v1/tokens', res);
    const reader = server.client();
    reader.bearer = res.body.token;
    const tokenId = res.body.id;
    res = await admin.get('/api/v1/tokens');
    assert.equal(res.status, 200);
    checkResponse('GET', '/api/v1/tokens', res);
    res = await reader.get('/api/v1/session');
    assert.equal(res.status, 200);
    assert.equal(res.body.auth, 'token');
    checkResponse('GET', '/api/v1/session', res);
    res = await reader.post('/api/v1/tokens', { name: 'not allowed' });
    assert.equal(res.status, 403);
    assert.equal(res.body.error.code, 'read_only_token');
    checkResponse('POST', '/api/v1/tokens', res);
    res = await admin.del(`/api/v1/tokens/${tokenId}`);
    assert.equal(res.status, 204);
    checkResponse('DELETE', `/api/v1/tokens/{id}`, res);
    res = await reader.get('/api/v1/units');
    assert.equal(res.status, 401);
    assert.equal(res.body.error.code, 'invalid_token');
    checkResponse('GET', '/api/v1/units', res);

    // Audit.
    res = await admin.get('/api/v1/audit?limit=5');
    assert.equal(res.status, 200);
    assert.equal(res.body.records.length, 5);
    checkResponse('GET', '/api/v1/audit', res);
    res = await admin.get('/api/v1/audit:verify');
    assert.equal(res.status, 200);
    assert.equal(res.body.intact, true);
    checkResponse('GET', '/api/v1/audit:verify', res);

    // The movement: a campaign, a registration, pledges, coverage.
    const seed = JSON.parse(readFileSync(new URL('../../data/movement/campaign-2025-2030.json', import.meta.url), 'utf8'));
    res = await admin.post('/api/v1/campaigns', seed);
    assert.equal(res.status, 201, res.text);
    checkResponse('POST', '/api/v1/campaigns', res);
    res = await admin.get('/api/v1/campaigns');
    assert.equal(res.status, 200);
    checkResponse('GET', '/api/v1/campaigns', res);
    res = await admin.get('/api/v1/campaigns/' + seed.code);
    assert.equal(res.status, 200);
    checkResponse('GET', '/api/v1/campaigns/{code}', res);
    res = await admin.post(`/api/v1/campaigns/${seed.code}/registrations`, { unit: 'SGDDT-HUE' });
    assert.equal(res.status, 201, res.text);
    checkResponse('POST', '/api/v1/campaigns/{code}/registrations', res);
    res = await admin.req('PUT', `/api/v1/campaigns/${seed.code}/registrations/SGDDT-HUE/pledges`,
      { pledges: [{ indicator: 'TR-SO', phase: 'GD1', target: 75, note: 'Huế' }] });
    assert.equal(res.status, 200, res.text);
    checkResponse('PUT', '/api/v1/campaigns/{code}/registrations/{unit}/pledges', res);
    res = await admin.get(`/api/v1/campaigns/${seed.code}/registrations/SGDDT-HUE`);
    assert.equal(res.status, 200);
    checkResponse('GET', '/api/v1/campaigns/{code}/registrations/{unit}', res);
    res = await admin.get(`/api/v1/campaigns/${seed.code}/coverage?limit=3`);
    assert.equal(res.status, 200);
    checkResponse('GET', '/api/v1/campaigns/{code}/coverage', res);
    res = await admin.req('PUT', '/api/v1/campaigns/' + seed.code, seed);
    assert.equal(res.status, 409);
    checkResponse('PUT', '/api/v1/campaigns/{code}', res);
    const pdf = '%PDF-1.4\n%%EOF\n';
    res = await admin.post('/api/v1/evidence?unit=SGDDT-HUE&name=bao-cao.pdf', pdf, { 'content-type': 'application/pdf' });
    assert.equal(res.status, 201, res.text);
    checkResponse('POST', '/api/v1/evidence', res);
    const ev = res.body.sha256;
    res = await admin.get('/api/v1/evidence/' + ev);
    assert.equal(res.status, 200);
    res = await admin.post('/api/v1/evidence?unit=SGDDT-HUE&name=x.pdf', 'MZ-not-a-pdf', { 'content-type': 'application/pdf' });
    assert.equal(res.status, 415);
    checkResponse('POST', '/api/v1/evidence', res);
    const rep = `/api/v1/campaigns/${seed.code}/registrations/SGDDT-HUE/reports/2026`;
    res = await admin.req('PUT', rep, { values: [{ indicator: 'BD-NLS', value: 55, evidence: [ev] }] });
    assert.equal(res.status, 200, res.text);
    checkResponse('PUT', '/api/v1/campaigns/{code}/registrations/{unit}/reports/{period}', res);
    res = await admin.post(rep + '/submit');
    assert.equal(res.status, 200, res.text);
    checkResponse('POST', '/api/v1/campaigns/{code}/registrations/{unit}/reports/{period}/submit', res);
    res = await admin.post(rep + '/return', { comment: 'Thiếu số liệu' });
    assert.equal(res.status, 200, res.text);
    checkResponse('POST', '/api/v1/campaigns/{code}/registrations/{unit}/reports/{period}/return', res);
    res = await admin.post(rep + '/submit');
    res = await admin.post(rep + '/accept');
    assert.equal(res.status, 200, res.text);
    checkResponse('POST', '/api/v1/campaigns/{code}/registrations/{unit}/reports/{period}/accept', res);
    res = await admin.get(rep);
    checkResponse('GET', '/api/v1/campaigns/{code}/registrations/{unit}/reports/{period}', res);
    res = await admin.get(rep + '/versions/1');
    assert.equal(res.status, 200);
    checkResponse('GET', '/api/v1/campaigns/{code}/registrations/{unit}/reports/{period}/versions/{version}', res);
    res = await admin.get(`/api/v1/campaigns/${seed.code}/reports`);
    checkResponse('GET', '/api/v1/campaigns/{code}/reports', res);
    res = await admin.post('/api/v1/initiatives', { unit: 'SGDDT-HUE', title: 'Sổ tay số', problem: 'Sổ sách giấy khó tra cứu.',
      solution: 'Chuyển sang sổ tay điện tử dùng chung.', results: 'Tiết kiệm 30% thời gian.', evidence: [ev] });
    assert.equal(res.status, 201, res.text);
    checkResponse('POST', '/api/v1/initiatives', res);
    const iid = res.body.id;
    res = await admin.post(`/api/v1/initiatives/${iid}/recognition`, { body: 'Bộ GDĐT', decision_number: '1/QĐ', decision_date: '2026-01-05', scope: 'nation' });
    assert.equal(res.status, 200, res.text);
    checkResponse('POST', '/api/v1/initiatives/{id}/recognition', res);
    res = await admin.post(`/api/v1/initiatives/${iid}/adoptions`, { unit: 'SGDDT-DA-NANG', adopted_on: '2026-02-01', evidence: [ev] });
    assert.equal(res.status, 201, res.text);
    checkResponse('POST', '/api/v1/initiatives/{id}/adoptions', res);
    res = await admin.get('/api/v1/initiatives/' + iid);
    checkResponse('GET', '/api/v1/initiatives/{id}', res);
    res = await admin.get('/api/v1/initiatives?recognised=true');
    checkResponse('GET', '/api/v1/initiatives', res);
    res = await admin.get(`/api/v1/campaigns/${seed.code}/dashboard`);
    assert.equal(res.status, 200, res.text);
    checkResponse('GET', '/api/v1/campaigns/{code}/dashboard', res);
    res = await admin.get(`/api/v1/campaigns/${seed.code}/reviews/SO-KET-2027`);
    assert.equal(res.status, 200, res.text);
    checkResponse('GET', '/api/v1/campaigns/{code}/reviews/{milestone}', res);
    res = await admin.get(`/api/v1/campaigns/${seed.code}/reviews/SO-KET-2027?format=docx`);
    assert.equal(res.status, 400, res.text);
    checkResponse('GET', '/api/v1/campaigns/{code}/reviews/{milestone}', res);
    res = await admin.get(`/api/v1/campaigns/${seed.code}/reviews/NO-SUCH/charts/types.svg`);
    assert.equal(res.status, 404, res.text);
    checkResponse('GET', '/api/v1/campaigns/{code}/reviews/{milestone}/charts/{chart}', res);

    // Sign-in throttling: 429 with Retry-After.
    for (let i = 0; i < 5; i++) {
      res = await anon.post('/api/v1/session', { username: 'nobody-here', password: 'wrong-password-1' });
      assert.equal(res.status, 401);
      checkResponse('POST', '/api/v1/session', res);
    }
    res = await anon.post('/api/v1/session', { username: 'nobody-here', password: 'wrong-password-1' });
    assert.equal(res.status, 429);
    assert.match(res.headers.get('retry-after') || '', /^\d+$/);
    checkResponse('POST', '/api/v1/session', res);

    // Sign-out.
    res = await admin.del('/api/v1/session');
    assert.equal(res.status, 204);
    checkResponse('DELETE', '/api/v1/session', res);
  } finally {
    await server.stop();
    store.cleanup();
  }
});

process.exitCode = (await run('openapi')) ? 1 : 0;
