-- Rewards: each subject's recorded award and rating history (imported or decided here),
-- nominations from proposal to decision, council ballots and the public posting window.

-- person_id 0 is the unit itself (a collective); otherwise a person of the registry.
CREATE TABLE award_history (
    id {{ID}},
    unit_id {{INT}} NOT NULL REFERENCES units (id),
    person_id {{INT}} NOT NULL DEFAULT 0,
    kind TEXT NOT NULL CHECK (kind IN ('award', 'rating')),
    form TEXT NOT NULL,             -- reward form code; '' for a rating
    year {{INT}} NOT NULL,
    level TEXT,                     -- a rating's level
    award_type TEXT,
    decision TEXT,
    decision_date TEXT,
    issuer TEXT,
    source TEXT NOT NULL,           -- 'import' or 'nomination:ID'
    annulled {{INT}} NOT NULL DEFAULT 0,
    created_at {{INT}} NOT NULL,
    UNIQUE (unit_id, person_id, kind, form, year)
);

CREATE TABLE nominations (
    id {{ID}},
    campaign_id {{INT}} NOT NULL REFERENCES campaigns (id),
    unit_id {{INT}} NOT NULL REFERENCES units (id),
    person_id {{INT}} NOT NULL DEFAULT 0,
    subject_name TEXT NOT NULL,
    form TEXT NOT NULL,
    candidate_year {{INT}} NOT NULL,
    summary TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('proposed', 'on_ballot', 'passed', 'rejected',
        'posted', 'submitted', 'decided', 'annulled', 'withdrawn')),
    verdict TEXT NOT NULL CHECK (verdict IN ('eligible', 'not_eligible', 'unknown')),
    eligibility TEXT NOT NULL,      -- the explained verdict (JSON)
    checked_at {{INT}} NOT NULL,
    confirmed_by TEXT,              -- who confirmed an 'unknown' verdict by hand, and why
    confirm_note TEXT,
    ballot_id {{INT}},
    posted_from {{INT}},
    posted_until {{INT}},
    decision_number TEXT,
    decision_date TEXT,
    decision_issuer TEXT,
    credential_id TEXT,
    annul_reason TEXT,
    annulled_at {{INT}},
    created_by TEXT NOT NULL,
    created_at {{INT}} NOT NULL,
    updated_at {{INT}} NOT NULL
);
CREATE INDEX nominations_campaign ON nominations (campaign_id, status);
CREATE UNIQUE INDEX nominations_once ON nominations (campaign_id, unit_id, person_id, form,
    candidate_year) WHERE status NOT IN ('withdrawn', 'rejected');

CREATE TABLE nomination_steps (
    id {{ID}},
    nomination_id {{INT}} NOT NULL REFERENCES nominations (id),
    at {{INT}} NOT NULL,
    action TEXT NOT NULL,
    actor TEXT NOT NULL,
    note TEXT
);
CREATE INDEX nomination_steps_nom ON nomination_steps (nomination_id);

-- A ballot of a review round's council. Tallies are counters: a secret ballot keeps no
-- link between a member and a choice, only that the member voted.
CREATE TABLE ballots (
    id {{ID}},
    campaign_id {{INT}} NOT NULL REFERENCES campaigns (id),
    round_id {{INT}} NOT NULL REFERENCES review_rounds (id),
    title TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('open', 'closed')),
    secret {{INT}} NOT NULL,
    members {{INT}} NOT NULL,       -- council size when the ballot opened
    voted {{INT}} NOT NULL DEFAULT 0,
    opens_at {{INT}} NOT NULL,
    closes_at {{INT}} NOT NULL,
    closed_at {{INT}},
    closed_early {{INT}} NOT NULL DEFAULT 0,
    created_by TEXT NOT NULL
);

CREATE TABLE ballot_items (
    ballot_id {{INT}} NOT NULL REFERENCES ballots (id),
    nomination_id {{INT}} NOT NULL REFERENCES nominations (id),
    base TEXT NOT NULL CHECK (base IN ('all', 'present')),
    threshold {{INT}} NOT NULL,     -- percent of the base voting yes
    yes {{INT}} NOT NULL DEFAULT 0,
    no {{INT}} NOT NULL DEFAULT 0,
    abstain {{INT}} NOT NULL DEFAULT 0,
    passed {{INT}},
    PRIMARY KEY (ballot_id, nomination_id)
);

CREATE TABLE ballot_voters (
    ballot_id {{INT}} NOT NULL REFERENCES ballots (id),
    user_id {{INT}} NOT NULL REFERENCES users (id),
    voted_at {{INT}} NOT NULL,
    PRIMARY KEY (ballot_id, user_id)
);

-- Open (not secret) ballots only: who chose what.
CREATE TABLE ballot_choices (
    ballot_id {{INT}} NOT NULL REFERENCES ballots (id),
    user_id {{INT}} NOT NULL REFERENCES users (id),
    nomination_id {{INT}} NOT NULL REFERENCES nominations (id),
    choice TEXT NOT NULL CHECK (choice IN ('yes', 'no', 'abstain')),
    PRIMARY KEY (ballot_id, user_id, nomination_id)
);

CREATE TABLE nomination_comments (
    id {{ID}},
    nomination_id {{INT}} NOT NULL REFERENCES nominations (id),
    name TEXT NOT NULL,
    contact TEXT,
    text TEXT NOT NULL,
    created_at {{INT}} NOT NULL
);
CREATE INDEX nomination_comments_nom ON nomination_comments (nomination_id);
