-- Review rounds of a campaign: the council (reviewers and a chair), the entries (registered
-- units), who reviews what (conflicts of interest excluded, recusals kept with their reason)
-- and the scorecards (drafts, then submitted once).

CREATE TABLE review_rounds (
    id {{ID}},
    campaign_id {{INT}} NOT NULL REFERENCES campaigns (id),
    code {{CTEXT}} NOT NULL,
    name TEXT NOT NULL,
    stage TEXT NOT NULL CHECK (stage IN ('screening', 'scoring', 'final')),
    status TEXT NOT NULL CHECK (status IN ('open', 'closed')),
    blind {{INT}} NOT NULL,
    reviewers_per_entry {{INT}} NOT NULL,
    created_at {{INT}} NOT NULL,
    UNIQUE (campaign_id, code)
);

CREATE TABLE council_members (
    round_id {{INT}} NOT NULL REFERENCES review_rounds (id),
    user_id {{INT}} NOT NULL REFERENCES users (id),
    role TEXT NOT NULL CHECK (role IN ('chair', 'member')),
    PRIMARY KEY (round_id, user_id)
);

CREATE TABLE round_entries (
    id {{ID}},
    round_id {{INT}} NOT NULL REFERENCES review_rounds (id),
    registration_id {{INT}} NOT NULL REFERENCES campaign_registrations (id),
    UNIQUE (round_id, registration_id)
);

CREATE TABLE review_assignments (
    entry_id {{INT}} NOT NULL REFERENCES round_entries (id),
    user_id {{INT}} NOT NULL REFERENCES users (id),
    status TEXT NOT NULL CHECK (status IN ('assigned', 'recused')),
    recuse_reason TEXT,
    assigned_at {{INT}} NOT NULL,
    PRIMARY KEY (entry_id, user_id)
);
CREATE INDEX review_assignments_user ON review_assignments (user_id);

CREATE TABLE scorecards (
    entry_id {{INT}} NOT NULL REFERENCES round_entries (id),
    user_id {{INT}} NOT NULL REFERENCES users (id),
    scores TEXT NOT NULL,
    comment TEXT,
    status TEXT NOT NULL CHECK (status IN ('draft', 'submitted')),
    updated_at {{INT}} NOT NULL,
    submitted_at {{INT}},
    PRIMARY KEY (entry_id, user_id)
);
