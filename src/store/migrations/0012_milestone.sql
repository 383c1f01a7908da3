-- The 2027/2030 reviews count the eligible units of every type and province in one pass over
-- the units of the campaign's types (docs/milestone-reviews.md): this index answers that
-- query alone, in group order, without reading the units' rows.
CREATE INDEX units_status_type ON units (status, type, province, path);
