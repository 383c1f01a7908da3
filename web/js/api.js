// Talking to the edudx JSON API. The session lives in an HttpOnly cookie; the
// CSRF token from the session answer is kept here, in memory only, and sent
// with every request that changes something.

let csrfToken = null;
let authLostHandler = null;

export class ApiError extends Error {
  constructor(status, body, retryAfter) {
    const e = (body && body.error) || {};
    super(e.message || `HTTP ${status}`);
    this.name = 'ApiError';
    this.status = status;          // 0 when the server could not be reached
    this.code = e.code || '';
    this.field = e.field || '';
    this.retryAfter = retryAfter;  // seconds, from Retry-After, or null
    this.body = body;              // the whole answer (e.g. the per-row report of a batch)
  }
}

export function setCsrf(token) {
  csrfToken = token || null;
}

// Called once with the error whenever an API call answers 401 (session gone).
export function onAuthLost(fn) {
  authLostHandler = fn;
}

/**
 * request('GET', '/api/v1/units', { query: {parent: ''} })
 * Options: query (object), body (JSON), raw (a string or Blob sent as it is, with
 * rawType as its Content-Type), signal, expect401 (do not treat 401 as a lost session).
 */
export async function request(method, path, opts = {}) {
  let url = path;
  if (opts.query) {
    const qs = new URLSearchParams();
    for (const [k, v] of Object.entries(opts.query)) {
      if (v !== undefined && v !== null) qs.append(k, String(v));
    }
    const s = qs.toString();
    if (s) url += (url.includes('?') ? '&' : '?') + s;
  }
  const headers = { Accept: 'application/json' };
  const init = { method, headers, credentials: 'same-origin', signal: opts.signal, cache: 'no-store' };
  if (method !== 'GET' && method !== 'HEAD' && csrfToken) headers['X-CSRF-Token'] = csrfToken;
  if (opts.body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(opts.body);
  } else if (opts.raw !== undefined) {
    headers['Content-Type'] = opts.rawType || 'application/octet-stream';
    init.body = opts.raw;
  }
  let res;
  try {
    res = await fetch(url, init);
  } catch (e) {
    if (e && e.name === 'AbortError') throw e;
    throw new ApiError(0, null, null);
  }
  let body = null;
  if (res.status !== 204) {
    const text = await res.text();
    if (text) {
      try { body = JSON.parse(text); } catch { body = null; }
    }
  }
  if (!res.ok) {
    const ra = res.headers.get('Retry-After');
    const err = new ApiError(res.status, body, ra && /^\d+$/.test(ra) ? Number(ra) : null);
    if (res.status === 401 && !opts.expect401 && authLostHandler) authLostHandler(err);
    throw err;
  }
  return body;
}

// A view's request: its answer, or undefined with the error kept on the view for its
// failure page. An abort still throws, so the newer route wins.
export async function loadFor(view, request) {
  try {
    return await request();
  } catch (e) {
    if (e.name === 'AbortError') throw e;
    view.error = e;
    return undefined;
  }
}

export const api = {
  getSession: () => request('GET', '/api/v1/session', { expect401: true }),
  login: (username, password) =>
    request('POST', '/api/v1/session', { body: { username, password }, expect401: true }),
  logout: () => request('DELETE', '/api/v1/session', { expect401: true }),
  provinces: () => request('GET', '/api/v1/provinces'),
  units: (query, signal) => request('GET', '/api/v1/units', { query, signal }),
  unit: (code, signal) => request('GET', `/api/v1/units/${encodeURIComponent(code)}`, { signal }),
  people: (unit, signal) => request('GET', '/api/v1/people', { query: { unit, limit: 200 }, signal }),
  // The signed-in account: password, sessions (signed-in devices) and API tokens.
  changePassword: (username, password, currentPassword) =>
    request('POST', `/api/v1/users/${encodeURIComponent(username)}/password`,
      { body: { password, current_password: currentPassword } }),
  sessions: (signal) => request('GET', '/api/v1/sessions', { signal }),
  endSession: (id) => request('DELETE', `/api/v1/sessions/${encodeURIComponent(id)}`),
  tokens: (signal) => request('GET', '/api/v1/tokens', { signal }),
  createToken: (name, scope, days) =>
    request('POST', '/api/v1/tokens', { body: { name, scope, expires_in_days: days } }),
  revokeToken: (id) => request('DELETE', `/api/v1/tokens/${encodeURIComponent(id)}`),

  // Verifiable credentials (diplomas and the like), their issuers' keys and the trust registry.
  credentials: (query, signal) => request('GET', '/api/v1/credentials', { query, signal }),
  credential: (id, signal) => request('GET', credPath(id), { signal }),
  publicCredential: (id, signal) => request('GET', `${credPath(id)}/public`, { signal }),
  // CSV file (a File or a string) → the batch report; dryRun only validates.
  issueBatch: ({ issuer, type, dryRun = false, skipInvalid = false }, csv) =>
    request('POST', '/api/v1/credentials/batches', {
      query: { issuer, type, dryRun: dryRun ? 1 : undefined, skipInvalid: skipInvalid ? 1 : undefined },
      raw: csv,
      rawType: 'text/csv',
    }),
  // action: revoke | suspend | reinstate
  setCredentialStatus: (id, action, reason) => request('POST', `${credPath(id)}/${action}`, { body: { reason } }),
  // The credential's JSON text, sent exactly as given.
  verify: (text, signal) => request('POST', '/api/v1/verify', { raw: text, rawType: 'application/json', signal }),
  keys: (code, signal) => request('GET', `/api/v1/units/${encodeURIComponent(code)}/keys`, { signal }),
  rotateKey: (code) => request('POST', `/api/v1/units/${encodeURIComponent(code)}/keys:rotate`),
  trust: (signal) => request('GET', '/api/v1/trust-registry', { signal }),
  putTrust: (code, body) => request('PUT', `/api/v1/trust-registry/${encodeURIComponent(code)}`, { body }),
  removeTrust: (code) => request('DELETE', `/api/v1/trust-registry/${encodeURIComponent(code)}`),
  schema: (type, signal) => request('GET', `/schemas/${encodeURIComponent(type)}.input.json`, { signal }),

  // The emulation movement: campaigns, registrations and pledges, reports, evidence, initiatives.
  campaigns: (signal) => request('GET', '/api/v1/campaigns', { signal }),
  campaign: (code, signal) => request('GET', campPath(code), { signal }),
  createCampaign: (text) => request('POST', '/api/v1/campaigns', { raw: text, rawType: 'application/json' }),
  redefineCampaign: (code, text) => request('PUT', campPath(code), { raw: text, rawType: 'application/json' }),
  dashboard: (code, signal) => request('GET', `${campPath(code)}/dashboard`, { signal }),
  coverage: (code, query, signal) => request('GET', `${campPath(code)}/coverage`, { query, signal }),
  register: (code, unit) => request('POST', `${campPath(code)}/registrations`, { body: { unit } }),
  registration: (code, unit, signal) => request('GET', regPath(code, unit), { signal }),
  putPledges: (code, unit, pledges) => request('PUT', `${regPath(code, unit)}/pledges`, { body: { pledges } }),
  reports: (code, query, signal) => request('GET', `${campPath(code)}/reports`, { query, signal }),
  report: (code, unit, period, signal) => request('GET', repPath(code, unit, period), { signal }),
  reportVersion: (code, unit, period, n, signal) => request('GET', `${repPath(code, unit, period)}/versions/${n}`, { signal }),
  saveReport: (code, unit, period, values) => request('PUT', repPath(code, unit, period), { body: { values } }),
  // action: submit | return | accept
  reportAction: (code, unit, period, action, body) =>
    request('POST', `${repPath(code, unit, period)}/${action}`, body === undefined ? {} : { body }),
  uploadEvidence: (unit, file) => request('POST', '/api/v1/evidence', {
    query: { unit, name: file.name }, raw: file, rawType: file.type || 'application/octet-stream',
  }),
  initiatives: (query, signal) => request('GET', '/api/v1/initiatives', { query, signal }),
  initiative: (id, signal) => request('GET', `/api/v1/initiatives/${encodeURIComponent(id)}`, { signal }),
  createInitiative: (body) => request('POST', '/api/v1/initiatives', { body }),
  recognise: (id, body) => request('POST', `/api/v1/initiatives/${encodeURIComponent(id)}/recognition`, { body }),
  adopt: (id, body) => request('POST', `/api/v1/initiatives/${encodeURIComponent(id)}/adoptions`, { body }),

  // Review rounds, councils and scorecards.
  createRound: (code, body) => request('POST', `${campPath(code)}/rounds`, { body }),
  round: (code, round, signal) => request('GET', `${campPath(code)}/rounds/${encodeURIComponent(round)}`, { signal }),
  roundResults: (code, round, group, signal) =>
    request('GET', `${campPath(code)}/rounds/${encodeURIComponent(round)}/results`, { query: { group: group || undefined }, signal }),
  closeRound: (code, round) => request('POST', `${campPath(code)}/rounds/${encodeURIComponent(round)}/close`),
  reviews: (signal) => request('GET', '/api/v1/reviews', { signal }),
  review: (entry, signal) => request('GET', `/api/v1/reviews/${encodeURIComponent(entry)}`, { signal }),
  scorecard: (entry, body) => request('PUT', `/api/v1/reviews/${encodeURIComponent(entry)}/scorecard`, { body }),
  recuse: (entry, reason) => request('POST', `/api/v1/reviews/${encodeURIComponent(entry)}/recusal`, { body: { reason } }),
  awardRules: (signal) => request('GET', '/api/v1/awards/rules', { signal }),
  milestoneReview: (code, milestone, signal) => request('GET', `${campPath(code)}/reviews/${encodeURIComponent(milestone)}`, { signal }),

  // Nominations, ballots and the public posting.
  nominations: (code, query, signal) => request('GET', `${campPath(code)}/nominations`, { query, signal }),
  nominate: (code, body) => request('POST', `${campPath(code)}/nominations`, { body }),
  nomination: (id, signal) => request('GET', nomPath(id), { signal }),
  // action: check | withdraw | post | submit | decide | annul
  nominationAction: (id, action, body) => request('POST', `${nomPath(id)}/${action}`, body === undefined ? {} : { body }),
  nominationComments: (id, signal) => request('GET', `${nomPath(id)}/comments`, { signal }),
  openBallot: (code, body) => request('POST', `${campPath(code)}/ballots`, { body }),
  // A campaign's ballots (the Ministry: all; council members: theirs).
  ballots: async (campaign, signal) => {
    try {
      return await request('GET', `${campPath(campaign)}/ballots`, { signal });
    } catch (e) {
      if (e.status !== 404 && e.status !== 405) throw e;
      return request('GET', '/api/v1/ballots', { query: { campaign }, signal });
    }
  },
  ballot: (id, signal) => request('GET', `/api/v1/ballots/${encodeURIComponent(id)}`, { signal }),
  vote: (id, choices) => request('POST', `/api/v1/ballots/${encodeURIComponent(id)}/vote`, { body: { choices } }),
  // early: close before its time although some members have not voted.
  closeBallot: (id, early = false) =>
    request('POST', `/api/v1/ballots/${encodeURIComponent(id)}/close`, early ? { body: { early: true } } : {}),
  publicNominations: (signal) => request('GET', '/api/v1/public/nominations', { signal }),
  publicComment: (id, body) => request('POST', `/api/v1/public/nominations/${encodeURIComponent(id)}/comments`, { body }),
};

function campPath(code) {
  return `/api/v1/campaigns/${encodeURIComponent(code)}`;
}

function regPath(code, unit) {
  return `${campPath(code)}/registrations/${encodeURIComponent(unit)}`;
}

function repPath(code, unit, period) {
  return `${regPath(code, unit)}/reports/${encodeURIComponent(period)}`;
}

function nomPath(id) {
  return `/api/v1/nominations/${encodeURIComponent(id)}`;
}

function credPath(id) {
  return `/api/v1/credentials/${encodeURIComponent(id)}`;
}

// Plain links (downloads, pages) rather than calls.
export const links = {
  pdf: (id) => `${credPath(id)}/pdf`,
  verifyPage: (id) => `/verify?id=${encodeURIComponent(id)}`,
  trustExport: '/api/v1/trust-registry:export',
  didDocument: (code) => `/units/${encodeURIComponent(code)}/did.json`,
  evidence: (sha) => `/api/v1/evidence/${encodeURIComponent(sha)}`,
  dossier: (id) => `${nomPath(id)}/dossier.pdf`,
  evidenceZip: (id) => `${nomPath(id)}/evidence.zip`,
  publicNominations: '/nominations',
  milestoneChart: (code, milestone, name) => `${campPath(code)}/reviews/${encodeURIComponent(milestone)}/charts/${name}.svg`,
  milestoneExport: (code, milestone, format, level) =>
    `${campPath(code)}/reviews/${encodeURIComponent(milestone)}?format=${format}${level ? `&level=${level}` : ''}`,
};

// Every page of a unit list (children of a unit), up to `max` units.
export async function allUnits(query, { signal, max = 2000 } = {}) {
  const out = [];
  let offset = 0;
  for (;;) {
    const page = await api.units({ ...query, limit: 500, offset }, signal);
    out.push(...(page.units || []));
    if (page.next_offset === null || page.next_offset === undefined || out.length >= max) break;
    offset = page.next_offset;
  }
  return out;
}
