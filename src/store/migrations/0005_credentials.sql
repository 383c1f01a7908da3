-- Verifiable credentials: issuer keys, status lists, issued credentials, the trust registry,
-- deployment settings. Times are Unix seconds.

CREATE TABLE settings (
    key {{CTEXT}} PRIMARY KEY,
    value TEXT NOT NULL
);

-- Ed25519 keys of issuing units. The seed is sealed under the master key file (secretbox).
CREATE TABLE cred_keys (
    id {{ID}},
    unit_id {{INT}} NOT NULL REFERENCES units (id),
    public_multibase {{CTEXT}} NOT NULL UNIQUE,
    sealed_seed TEXT NOT NULL,
    created_at {{INT}} NOT NULL,
    retired_at {{INT}}
);
CREATE INDEX cred_keys_unit ON cred_keys (unit_id);

-- Bitstring status lists: one pair (revocation, suspension) per unit and list number.
-- Slots are handed out in order and mapped to indexes by a fixed permutation (salt).
CREATE TABLE cred_status_lists (
    id {{ID}},
    unit_id {{INT}} NOT NULL REFERENCES units (id),
    seq {{INT}} NOT NULL,
    size {{INT}} NOT NULL,
    next_slot {{INT}} NOT NULL,
    salt {{INT}} NOT NULL,
    version {{INT}} NOT NULL,
    doc_revocation TEXT,
    doc_suspension TEXT,
    doc_version {{INT}} NOT NULL,
    created_at {{INT}} NOT NULL,
    updated_at {{INT}} NOT NULL,
    UNIQUE (unit_id, seq)
);

CREATE TABLE credentials (
    id {{ID}},
    uid {{CTEXT}} NOT NULL UNIQUE,
    unit_id {{INT}} NOT NULL REFERENCES units (id),
    type TEXT NOT NULL CHECK (type IN ('diploma', 'degree', 'transcript', 'skills', 'award', 'other')),
    external_id {{CTEXT}} NOT NULL,
    subject_name TEXT NOT NULL,
    search_key TEXT NOT NULL,
    nid_hash TEXT,
    list_id {{INT}} NOT NULL REFERENCES cred_status_lists (id),
    list_slot {{INT}} NOT NULL,
    list_index {{INT}} NOT NULL,
    key_id {{INT}} NOT NULL REFERENCES cred_keys (id),
    status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'revoked', 'suspended')),
    status_reason TEXT,
    status_at {{INT}},
    issued_at {{INT}} NOT NULL,
    document TEXT NOT NULL,
    UNIQUE (unit_id, external_id)
);
-- Indexes are chosen so that issuing appends: uid is a UUIDv7 (time-ordered). Slots are
-- handed out in order under the issuer's lock and the published index is a bijection of the
-- slot, so (list_id, list_index) is unique without an index to maintain on every insert.
-- Only credentials that are not active are indexed by list, for re-signing status lists.
CREATE INDEX credentials_inactive ON credentials (list_id, status) WHERE status <> 'active';

-- Issuers accredited by the Ministry: which unit, from when to when, for which types.
CREATE TABLE trust_registry (
    unit_id {{INT}} PRIMARY KEY REFERENCES units (id),
    accredited_from {{INT}} NOT NULL,
    accredited_until {{INT}},
    types TEXT NOT NULL,
    decision TEXT,
    created_at {{INT}} NOT NULL,
    updated_at {{INT}} NOT NULL
);
