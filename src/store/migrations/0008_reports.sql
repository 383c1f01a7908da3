-- Evidence files (stored by SHA-256 in the evidence folder; rows only once the file is there)
-- and the units' progress reports with every submitted version kept.

CREATE TABLE evidence_files (
    sha256 {{CTEXT}} PRIMARY KEY,
    size {{INT}} NOT NULL,
    media_type TEXT NOT NULL,
    created_at {{INT}} NOT NULL
);

-- Who sent a file for which unit: reading a file needs a unit of the caller's scope here.
CREATE TABLE evidence_uploads (
    id {{ID}},
    sha256 {{CTEXT}} NOT NULL REFERENCES evidence_files (sha256),
    unit_id {{INT}} NOT NULL REFERENCES units (id),
    name TEXT NOT NULL,
    uploaded_by TEXT NOT NULL,
    uploaded_at {{INT}} NOT NULL,
    UNIQUE (sha256, unit_id, name)
);
CREATE INDEX evidence_uploads_unit ON evidence_uploads (unit_id);

-- One report per registration and period ("2026" or "2026-S1"/"2026-S2"): the draft being
-- edited, and `version`, the last submitted version (0: never submitted).
CREATE TABLE progress_reports (
    id {{ID}},
    registration_id {{INT}} NOT NULL REFERENCES campaign_registrations (id),
    period TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('draft', 'submitted', 'returned', 'accepted')),
    version {{INT}} NOT NULL,
    draft TEXT NOT NULL,
    comment TEXT,
    updated_at {{INT}} NOT NULL,
    UNIQUE (registration_id, period)
);

-- Every submitted version, never changed: its whole content as canonical JSON, and its values
-- as rows for the reviews' tables.
CREATE TABLE report_versions (
    report_id {{INT}} NOT NULL REFERENCES progress_reports (id),
    version {{INT}} NOT NULL,
    body TEXT NOT NULL,
    submitted_at {{INT}} NOT NULL,
    submitted_by TEXT NOT NULL,
    PRIMARY KEY (report_id, version)
);

CREATE TABLE report_values (
    report_id {{INT}} NOT NULL REFERENCES progress_reports (id),
    version {{INT}} NOT NULL,
    indicator_id {{INT}} NOT NULL REFERENCES campaign_indicators (id),
    value DOUBLE PRECISION,
    PRIMARY KEY (report_id, version, indicator_id)
);

CREATE TABLE report_evidence (
    report_id {{INT}} NOT NULL REFERENCES progress_reports (id),
    version {{INT}} NOT NULL,
    indicator_id {{INT}} NOT NULL REFERENCES campaign_indicators (id),
    sha256 {{CTEXT}} NOT NULL REFERENCES evidence_files (sha256),
    PRIMARY KEY (report_id, version, indicator_id, sha256)
);
CREATE INDEX report_evidence_file ON report_evidence (sha256);
