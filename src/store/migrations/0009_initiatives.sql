-- Initiatives (sáng kiến, good models): what a unit or its people found, its recognition by a
-- competent body and scope, its evidence, and the other units that adopted it.

CREATE TABLE initiatives (
    id {{ID}},
    unit_id {{INT}} NOT NULL REFERENCES units (id),
    title TEXT NOT NULL,
    authors TEXT NOT NULL,          -- JSON list of names (a unit's collective: empty)
    problem TEXT NOT NULL,
    solution TEXT NOT NULL,
    results TEXT NOT NULL,
    scope TEXT CHECK (scope IN ('unit', 'province', 'ministry', 'nation')),
    recognised_by TEXT,
    decision_number TEXT,
    decision_date TEXT,
    recognised_unit_id {{INT}} REFERENCES units (id),
    evidence TEXT NOT NULL,         -- JSON list of SHA-256 of evidence files
    search_key TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at {{INT}} NOT NULL,
    updated_at {{INT}} NOT NULL
);
CREATE INDEX initiatives_unit ON initiatives (unit_id);

CREATE TABLE initiative_adoptions (
    id {{ID}},
    initiative_id {{INT}} NOT NULL REFERENCES initiatives (id),
    unit_id {{INT}} NOT NULL REFERENCES units (id),
    adopted_on TEXT NOT NULL,
    note TEXT,
    evidence TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at {{INT}} NOT NULL,
    UNIQUE (initiative_id, unit_id)
);
CREATE INDEX initiative_adoptions_unit ON initiative_adoptions (unit_id);
