-- The pmshooks inbox schema for PostgreSQL (11 or later).
--
-- Migrate runs the statements before the first "-- version" line every time
-- (they are idempotent), then each "-- version N" section above the version
-- recorded in pmshooks_inbox_schema_version, in order, each in one
-- transaction together with the row that records it, under an advisory lock
-- so that replicas starting together migrate once. Sections are never edited
-- once released: a change is a new section.
--
-- The tables are created in the first schema of the connection's search_path:
-- set search_path in the DSN to keep several inboxes in one database.

CREATE TABLE IF NOT EXISTS pmshooks_inbox_schema_version (
    version    INTEGER PRIMARY KEY,
    applied_at TIMESTAMPTZ NOT NULL
);

-- version 1

-- One row per delivery, kept after it is handled until Purge removes it.
-- state is 'pending' (waiting, or leased by a worker while lease_token is set
-- and next_attempt_at is in the future), 'done' or 'dead'.
CREATE TABLE pmshooks_inbox (
    -- ids come from one sequence shared by every replica: they give the
    -- received order.
    id              BIGINT      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    provider        TEXT        NOT NULL,
    event_id        TEXT        NOT NULL,
    type            TEXT        NOT NULL,
    name            TEXT        NOT NULL,
    account         TEXT        NOT NULL,
    subject_kind    TEXT        NOT NULL,
    subject_id      TEXT        NOT NULL,
    event_time      TIMESTAMPTZ,
    received_at     TIMESTAMPTZ NOT NULL,
    headers         JSONB       NOT NULL, -- header name to values
    body            BYTEA       NOT NULL, -- the exact body
    state           TEXT        NOT NULL DEFAULT 'pending'
                                CHECK (state IN ('pending', 'done', 'dead')),
    attempts        INTEGER     NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMPTZ NOT NULL, -- due time, or the end of the lease
    lease_token     TEXT,
    last_error      TEXT,
    finished_at     TIMESTAMPTZ,
    -- A copy of a stored delivery is refused here, on every replica at
    -- once, not by a read first.
    CONSTRAINT pmshooks_inbox_delivery UNIQUE (provider, event_id)
);

-- Workers scan pending rows in received order.
CREATE INDEX pmshooks_inbox_pending
    ON pmshooks_inbox (id) WHERE state = 'pending';

-- Per-subject ordering looks up the pending rows of one subject.
CREATE INDEX pmshooks_inbox_subject
    ON pmshooks_inbox (provider, subject_kind, subject_id, id)
    WHERE state = 'pending' AND subject_id <> '';

-- ... and whether a row of the subject is leased: few rows, those held by
-- workers right now.
CREATE INDEX pmshooks_inbox_leased
    ON pmshooks_inbox (provider, subject_kind, subject_id)
    WHERE lease_token IS NOT NULL AND subject_id <> '';

-- List of dead deliveries and Purge of old handled ones.
CREATE INDEX pmshooks_inbox_finished
    ON pmshooks_inbox (state, finished_at) WHERE state <> 'pending';

-- version 2

-- Version 2 keys deliveries and subjects by fixed-size hashes, computed by
-- the inbox, instead of by their text: a B-tree cannot index a text of more
-- than about 2,700 bytes, so an authentic delivery with a long event or
-- subject id could never be stored. It also lets a provider that ids
-- deliveries by their content store a late copy as a new delivery.
--
--   event_key   SHA-256 of provider, NUL, event_id: the dedupe key.
--   generation  0 for the first copy of an event; for a copy stored as a new
--               delivery because it came after the receiver's dedupe window,
--               the id of the delivery it follows, so that two replicas
--               storing the same late copy pick the same key.
--   subject_key the first 8 bytes of a SHA-256 of provider, kind and id;
--               NULL without a subject. Ordering looks rows up by it and then
--               compares the text columns; it is also the advisory lock key.
ALTER TABLE pmshooks_inbox
    ADD COLUMN event_key   BYTEA,
    ADD COLUMN generation  BIGINT NOT NULL DEFAULT 0,
    ADD COLUMN subject_key BIGINT;

-- step: keys

ALTER TABLE pmshooks_inbox ALTER COLUMN event_key SET NOT NULL;
ALTER TABLE pmshooks_inbox DROP CONSTRAINT pmshooks_inbox_delivery;
ALTER TABLE pmshooks_inbox ADD CONSTRAINT pmshooks_inbox_delivery UNIQUE (event_key, generation);

DROP INDEX pmshooks_inbox_subject;
CREATE INDEX pmshooks_inbox_subject
    ON pmshooks_inbox (subject_key, id)
    WHERE state = 'pending' AND subject_key IS NOT NULL;

DROP INDEX pmshooks_inbox_leased;
CREATE INDEX pmshooks_inbox_leased
    ON pmshooks_inbox (subject_key)
    WHERE lease_token IS NOT NULL AND subject_key IS NOT NULL;
