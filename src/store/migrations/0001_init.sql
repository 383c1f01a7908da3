-- The foundation: organisation registry, accounts, sessions, tokens, people, audit log.
-- Template words: {{ID}} integer primary key, {{INT}} 64-bit integer, {{CTEXT}} text that
-- compares byte by byte (PostgreSQL gets COLLATE "C", SQLite compares bytes already).
-- Times are Unix seconds.

CREATE TABLE provinces (
    code TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    name_en TEXT NOT NULL
);

CREATE TABLE units (
    id {{ID}},
    code {{CTEXT}} NOT NULL UNIQUE,
    name TEXT NOT NULL,
    name_en TEXT,
    type TEXT NOT NULL CHECK (type IN ('ministry', 'ministry_unit', 'national_university', 'doet',
                                       'university', 'college', 'vocational', 'school', 'other')),
    parent_id {{INT}} REFERENCES units (id),
    path {{CTEXT}} NOT NULL UNIQUE,
    depth {{INT}} NOT NULL,
    province TEXT REFERENCES provinces (code),
    status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'inactive', 'closed')),
    search_key TEXT NOT NULL,
    created_at {{INT}} NOT NULL,
    updated_at {{INT}} NOT NULL
);
CREATE INDEX units_parent ON units (parent_id);
CREATE INDEX units_province ON units (province);

CREATE TABLE users (
    id {{ID}},
    username {{CTEXT}} NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('ministry_admin', 'unit_admin', 'reviewer', 'teacher', 'learner')),
    unit_id {{INT}} REFERENCES units (id),
    status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'disabled')),
    created_at {{INT}} NOT NULL,
    updated_at {{INT}} NOT NULL,
    password_changed_at {{INT}} NOT NULL
);
CREATE INDEX users_unit ON users (unit_id);

CREATE TABLE sessions (
    id {{ID}},
    token_hash TEXT NOT NULL UNIQUE,
    user_id {{INT}} NOT NULL REFERENCES users (id),
    created_at {{INT}} NOT NULL,
    expires_at {{INT}} NOT NULL,
    last_seen_at {{INT}} NOT NULL,
    client_ip TEXT,
    user_agent TEXT
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE api_tokens (
    id {{ID}},
    public_id {{CTEXT}} NOT NULL UNIQUE,
    secret_hash TEXT NOT NULL,
    user_id {{INT}} NOT NULL REFERENCES users (id),
    name TEXT NOT NULL,
    scope TEXT NOT NULL CHECK (scope IN ('read', 'write')),
    created_at {{INT}} NOT NULL,
    expires_at {{INT}} NOT NULL,
    revoked_at {{INT}},
    last_used_at {{INT}}
);
CREATE INDEX api_tokens_user ON api_tokens (user_id);

CREATE TABLE login_throttle (
    key {{CTEXT}} PRIMARY KEY,
    window_start {{INT}} NOT NULL,
    failures {{INT}} NOT NULL
);

CREATE TABLE people (
    id {{ID}},
    unit_id {{INT}} NOT NULL REFERENCES units (id),
    full_name TEXT NOT NULL,
    search_key TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('teacher', 'manager', 'learner', 'staff')),
    nid_hash TEXT NOT NULL UNIQUE,
    nid_last4 TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'left')),
    created_at {{INT}} NOT NULL,
    updated_at {{INT}} NOT NULL
);
CREATE INDEX people_unit ON people (unit_id);

-- Append-only, hash-chained: hash = SHA-256 over prev_hash and the record's fields.
CREATE TABLE audit_log (
    seq {{INT}} PRIMARY KEY,
    at {{INT}} NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    target TEXT NOT NULL,
    before_digest TEXT,
    after_digest TEXT,
    detail TEXT,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);

-- One row: the last sequence number and hash. Writers lock it to extend the chain.
CREATE TABLE audit_head (
    id {{INT}} PRIMARY KEY CHECK (id = 1),
    seq {{INT}} NOT NULL,
    hash TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, hash)
VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');
