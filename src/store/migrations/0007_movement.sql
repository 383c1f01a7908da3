-- The emulation movement: campaigns (their definition as data), phases and indicators
-- (referenced by pledges), eligible unit types, registrations and pledges. Dates are
-- 'YYYY-MM-DD' text (calendar days, not instants); times are Unix seconds.

CREATE TABLE campaigns (
    id {{ID}},
    code {{CTEXT}} NOT NULL UNIQUE,
    name TEXT NOT NULL,
    name_en TEXT,
    kind TEXT NOT NULL CHECK (kind IN ('movement', 'yearly', 'thematic')),
    starts_on TEXT NOT NULL,
    ends_on TEXT NOT NULL,
    -- The whole definition as submitted (after checks), canonical JSON: criteria, milestones,
    -- reward forms and legal basis are read from here.
    definition TEXT NOT NULL,
    created_at {{INT}} NOT NULL,
    updated_at {{INT}} NOT NULL
);

CREATE TABLE campaign_phases (
    id {{ID}},
    campaign_id {{INT}} NOT NULL REFERENCES campaigns (id),
    code {{CTEXT}} NOT NULL,
    ord {{INT}} NOT NULL,
    starts_on TEXT NOT NULL,
    ends_on TEXT NOT NULL,
    UNIQUE (campaign_id, code)
);

CREATE TABLE campaign_indicators (
    id {{ID}},
    campaign_id {{INT}} NOT NULL REFERENCES campaigns (id),
    code {{CTEXT}} NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('manual', 'computed')),
    source TEXT,
    UNIQUE (campaign_id, code)
);

CREATE TABLE campaign_unit_types (
    campaign_id {{INT}} NOT NULL REFERENCES campaigns (id),
    unit_type TEXT NOT NULL,
    PRIMARY KEY (campaign_id, unit_type)
);

CREATE TABLE campaign_registrations (
    id {{ID}},
    campaign_id {{INT}} NOT NULL REFERENCES campaigns (id),
    unit_id {{INT}} NOT NULL REFERENCES units (id),
    registered_at {{INT}} NOT NULL,
    registered_by TEXT NOT NULL,
    UNIQUE (campaign_id, unit_id)
);
CREATE INDEX campaign_registrations_unit ON campaign_registrations (unit_id);

CREATE TABLE campaign_pledges (
    registration_id {{INT}} NOT NULL REFERENCES campaign_registrations (id),
    phase_id {{INT}} NOT NULL REFERENCES campaign_phases (id),
    indicator_id {{INT}} NOT NULL REFERENCES campaign_indicators (id),
    target DOUBLE PRECISION NOT NULL,
    note TEXT,
    updated_at {{INT}} NOT NULL,
    PRIMARY KEY (registration_id, phase_id, indicator_id)
);
