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
