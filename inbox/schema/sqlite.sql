-- The pmshooks inbox schema for SQLite (3.35 or later).
--
-- Migrate runs the statements before the first "-- version" line every time
-- (they are idempotent), then each "-- version N" section above the version
-- recorded in pmshooks_inbox_schema_version, in order, each in one
-- transaction together with the row that records it. Sections are never
-- edited once released: a change is a new section.
--
-- Times are TEXT in UTC with microseconds, "2006-01-02T15:04:05.000000Z":
-- fixed width, so they sort and compare as text, and SQLite's date functions
-- read them.

CREATE TABLE IF NOT EXISTS pmshooks_inbox_schema_version (
    version    INTEGER PRIMARY KEY,
    applied_at TEXT NOT NULL
);

-- version 1

-- One row per delivery, kept after it is handled until Purge removes it.
-- state is 'pending' (waiting, or leased by a worker while lease_token is set
-- and next_attempt_at is in the future), 'done' or 'dead'.
CREATE TABLE pmshooks_inbox (
    -- AUTOINCREMENT: ids only grow, even after Purge, so they give the
    -- received order.
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    provider        TEXT    NOT NULL,
    event_id        TEXT    NOT NULL,
    type            TEXT    NOT NULL,
    name            TEXT    NOT NULL,
    account         TEXT    NOT NULL,
    subject_kind    TEXT    NOT NULL,
    subject_id      TEXT    NOT NULL,
    event_time      TEXT,
    received_at     TEXT    NOT NULL,
    headers         TEXT    NOT NULL, -- JSON object: header name to values
    body            BLOB    NOT NULL, -- the exact body
    state           TEXT    NOT NULL DEFAULT 'pending'
                            CHECK (state IN ('pending', 'done', 'dead')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT    NOT NULL, -- due time, or the end of the lease
    lease_token     TEXT,
    last_error      TEXT,
    finished_at     TEXT,
    -- A copy of a stored delivery is refused here, not by a read first.
    UNIQUE (provider, event_id)
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
