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

-- version 2

-- Version 2 keys deliveries and subjects by fixed-size hashes, computed by
-- the inbox, instead of by their text: PostgreSQL cannot index a text of more
-- than about 2,700 bytes, and both dialects keep one shape. It also lets a
-- provider that ids deliveries by their content store a late copy as a new
-- delivery (generation). SQLite cannot drop a table constraint, so the table
-- is rebuilt with the same ids.
CREATE TABLE pmshooks_inbox_v2 (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    provider        TEXT    NOT NULL,
    event_id        TEXT    NOT NULL,
    -- SHA-256 of provider, NUL, event_id: the dedupe key.
    event_key       BLOB,
    -- 0 for the first copy of an event; for a copy stored as a new delivery
    -- because it came after the receiver's dedupe window, the id of the
    -- delivery it follows. Two replicas storing the same late copy pick the
    -- same generation, and the unique key stores it once.
    generation      INTEGER NOT NULL DEFAULT 0,
    type            TEXT    NOT NULL,
    name            TEXT    NOT NULL,
    account         TEXT    NOT NULL,
    subject_kind    TEXT    NOT NULL,
    subject_id      TEXT    NOT NULL,
    -- The first 8 bytes of a SHA-256 of provider, kind and id as a signed
    -- integer; NULL when the delivery has no subject. Ordering looks rows up
    -- by it and then compares the text columns, so a collision costs nothing
    -- but an index probe.
    subject_key     INTEGER,
    event_time      TEXT,
    received_at     TEXT    NOT NULL,
    headers         TEXT    NOT NULL,
    body            BLOB    NOT NULL,
    state           TEXT    NOT NULL DEFAULT 'pending'
                            CHECK (state IN ('pending', 'done', 'dead')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT    NOT NULL,
    lease_token     TEXT,
    last_error      TEXT,
    finished_at     TEXT,
    UNIQUE (event_key, generation)
);

INSERT INTO pmshooks_inbox_v2 (id, provider, event_id, type, name, account, subject_kind, subject_id,
        event_time, received_at, headers, body, state, attempts, next_attempt_at, lease_token,
        last_error, finished_at)
    SELECT id, provider, event_id, type, name, account, subject_kind, subject_id,
        event_time, received_at, headers, body, state, attempts, next_attempt_at, lease_token,
        last_error, finished_at
    FROM pmshooks_inbox;

-- Ids only grow: carry the old table's counter over, purged rows included.
INSERT INTO sqlite_sequence (name, seq)
    SELECT 'pmshooks_inbox_v2', seq FROM sqlite_sequence
    WHERE name = 'pmshooks_inbox'
        AND NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'pmshooks_inbox_v2');
UPDATE sqlite_sequence
    SET seq = (SELECT MAX(seq) FROM sqlite_sequence WHERE name IN ('pmshooks_inbox', 'pmshooks_inbox_v2'))
    WHERE name = 'pmshooks_inbox_v2';

DROP TABLE pmshooks_inbox;
ALTER TABLE pmshooks_inbox_v2 RENAME TO pmshooks_inbox;

-- step: keys

CREATE INDEX pmshooks_inbox_pending
    ON pmshooks_inbox (id) WHERE state = 'pending';

CREATE INDEX pmshooks_inbox_subject
    ON pmshooks_inbox (subject_key, id)
    WHERE state = 'pending' AND subject_key IS NOT NULL;

CREATE INDEX pmshooks_inbox_leased
    ON pmshooks_inbox (subject_key)
    WHERE lease_token IS NOT NULL AND subject_key IS NOT NULL;

CREATE INDEX pmshooks_inbox_finished
    ON pmshooks_inbox (state, finished_at) WHERE state <> 'pending';

-- version 3

-- Version 3 marks the one delivery of each subject that may run: head is 1
-- for a pending delivery without a subject, and for the first pending
-- delivery of its subject; 0 for the others. Workers then claim from the
-- heads alone, one index scan in id order, instead of checking every pending
-- row against the other rows of its subject. Subjects are told apart by
-- subject_key alone: two whose keys collide (one chance in 2^64 for a pair)
-- share one order.
--
-- Every change of a subject's pending rows keeps it true, in the same
-- transaction: an insert is head when no delivery of its subject is
-- pending; a head that is done or dead passes head to the next pending
-- delivery of its subject, a head retried later keeps it; a dead delivery
-- retried is head when no delivery of its subject is pending, and otherwise
-- the next after the current head.
ALTER TABLE pmshooks_inbox ADD COLUMN head INTEGER NOT NULL DEFAULT 0;

UPDATE pmshooks_inbox SET head = 1
WHERE state = 'pending' AND (subject_key IS NULL OR id = (
    SELECT MIN(o.id) FROM pmshooks_inbox o
    WHERE o.subject_key = pmshooks_inbox.subject_key AND o.state = 'pending'));

CREATE INDEX pmshooks_inbox_ready
    ON pmshooks_inbox (id) WHERE head = 1 AND state = 'pending';

-- coalesced_into is, for a delivery done without its own handler call, the
-- id of the later delivery of its subject whose call covered it (see
-- inbox.WithCoalescing); NULL otherwise.
ALTER TABLE pmshooks_inbox ADD COLUMN coalesced_into INTEGER;

DROP INDEX pmshooks_inbox_pending;
DROP INDEX pmshooks_inbox_leased;

-- version 4

-- Version 4 is for reconciliation (inbox.WithReconciler): changes found by
-- polling a provider's API are stored as deliveries beside the webhooks.
-- source is "" for a webhook, else the name of the event.Source that found
-- the change; change_key is the SHA-256 of provider, subject and record
-- version (event.VersionOf), NULL without a version: a webhook and a poll of
-- the same change are stored once. See postgres.sql.
ALTER TABLE pmshooks_inbox ADD COLUMN source TEXT NOT NULL DEFAULT '';
ALTER TABLE pmshooks_inbox ADD COLUMN change_key BLOB;

CREATE UNIQUE INDEX pmshooks_inbox_change
    ON pmshooks_inbox (change_key) WHERE change_key IS NOT NULL;

CREATE TABLE pmshooks_inbox_checkpoints (
    source      TEXT PRIMARY KEY,
    checkpoint  TEXT NOT NULL DEFAULT '',
    updated_at  TEXT,
    lease_owner TEXT,
    lease_until TEXT
);

-- version 5

-- Version 5 keeps each delivery's attempts for the console and Delivery.History,
-- at no cost to an attempt that succeeds:
--   started_at   when the latest attempt started: written by the claim, which
--                updates the row anyway. A "done" then tells the duration of
--                its attempt with finished_at, and writes nothing more.
--   attempt_log  a JSON array of the attempts that did not end in "done" (and
--                of the markers left by Retry and Replay), oldest first, at most
--                32 entries, each error cut to 1,024 bytes. It is written by the
--                statement that records such an outcome (retry, dead, release,
--                a claim that takes over a lost lease), never by a success.
ALTER TABLE pmshooks_inbox ADD COLUMN started_at TEXT;
ALTER TABLE pmshooks_inbox ADD COLUMN attempt_log TEXT;

-- version 6

-- Version 6 adds three PostgreSQL functions, pmshooks_inbox_store,
-- pmshooks_inbox_claim and pmshooks_inbox_complete, so that the writes of a
-- group of deliveries are one round trip (see postgres.sql). SQLite runs in the process and needs no
-- such function: its groups are one transaction of plain statements. The
-- version is recorded so that both dialects count their versions alike.
