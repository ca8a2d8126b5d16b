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

-- version 3

-- Version 3 marks the one delivery of each subject that may run: head is
-- true for a pending delivery without a subject, and for the first pending
-- delivery of its subject; false for the others. Workers then claim from the
-- heads alone, one index scan in id order, instead of checking every pending
-- row against the other rows of its subject. Subjects are told apart by
-- subject_key alone: two whose keys collide (one chance in 2^64 for a pair)
-- share one order.
--
-- It is kept true by every change of a subject's pending rows, each under
-- the subject's advisory lock and in the same transaction:
--   - an insert is head when no delivery of its subject is pending, checked
--     by pmshooks_inbox_lock_subject after the lock was granted;
--   - a head that is done or dead passes head to the next pending delivery
--     of its subject; a head retried later keeps it;
--   - a dead delivery retried is head when no delivery of its subject is
--     pending, and otherwise the next after the current head (it has the
--     smaller id).
--
-- An older pmshooks neither sets nor passes head: stop its workers and
-- receivers before this migration. Its inserts then fail (head has no
-- default) instead of storing deliveries no worker would take.
ALTER TABLE pmshooks_inbox ADD COLUMN head BOOLEAN NOT NULL DEFAULT false;

UPDATE pmshooks_inbox AS r SET head = true
WHERE r.state = 'pending' AND (r.subject_key IS NULL OR r.id = (
    SELECT MIN(o.id) FROM pmshooks_inbox o
    WHERE o.subject_key = r.subject_key AND o.state = 'pending'));

ALTER TABLE pmshooks_inbox ALTER COLUMN head DROP DEFAULT;

-- coalesced_into is, for a delivery done without its own handler call, the
-- id of the later delivery of its subject whose call covered it (see
-- inbox.WithCoalescing); NULL otherwise.
ALTER TABLE pmshooks_inbox ADD COLUMN coalesced_into BIGINT;

-- Workers claim the due heads in received order.
CREATE INDEX pmshooks_inbox_ready
    ON pmshooks_inbox (id) WHERE head AND state = 'pending';

-- The claim no longer scans the pending rows, nor looks up leased rows:
-- without these indexes a claim changes no indexed column, and PostgreSQL
-- can write its lease in place (a HOT update).
DROP INDEX pmshooks_inbox_pending;
DROP INDEX pmshooks_inbox_leased;

-- pmshooks_inbox_lock_subject takes the advisory lock of a subject for the
-- rest of the transaction and reports whether no delivery of the subject is
-- pending (true for a NULL key, without a lock). Its query runs in a snapshot
-- taken after the lock was granted (a VOLATILE function at READ COMMITTED),
-- so it sees every change of the subject committed before: a statement's own
-- snapshot, taken before it waited for the lock, would not. The lock key is
-- salted with the schema, so that inboxes in two schemas of one database do
-- not wait for each other.
CREATE FUNCTION pmshooks_inbox_lock_subject(key BIGINT) RETURNS BOOLEAN
    LANGUAGE plpgsql VOLATILE AS $$
BEGIN
    IF key IS NULL THEN
        RETURN true;
    END IF;
    IF current_setting('transaction_isolation') <> 'read committed' THEN
        RAISE EXCEPTION 'pmshooks inbox: deliveries are stored at READ COMMITTED, not %',
            current_setting('transaction_isolation');
    END IF;
    PERFORM pg_advisory_xact_lock(key # hashtextextended(current_schema(), 0));
    PERFORM 1 FROM pmshooks_inbox WHERE subject_key = key AND state = 'pending' LIMIT 1;
    RETURN NOT FOUND;
END
$$;

-- version 4

-- Version 4 is for reconciliation (inbox.WithReconciler): changes found by
-- polling a provider's API are stored as deliveries beside the webhooks.
--
--   source      "" for a webhook; for a polled change, the name of the
--               event.Source that found it, whose Decode rebuilds its event.
--   change_key  SHA-256 of provider, subject kind, subject id and the
--               version of the record the delivery carries (event.VersionOf),
--               NULL when it carries no version. A webhook and a poll of the
--               same change have the same key, and the second is refused
--               here, on every replica at once, like a copy.
ALTER TABLE pmshooks_inbox
    ADD COLUMN source     TEXT NOT NULL DEFAULT '',
    ADD COLUMN change_key BYTEA;

CREATE UNIQUE INDEX pmshooks_inbox_change
    ON pmshooks_inbox (change_key) WHERE change_key IS NOT NULL;

-- One row per source: where its next poll resumes, and which replica polls
-- it. A replica polls a source only while it holds the lease, so that one
-- replica at a time does, whichever run.
CREATE TABLE pmshooks_inbox_checkpoints (
    source      TEXT PRIMARY KEY,
    checkpoint  TEXT NOT NULL DEFAULT '',
    updated_at  TIMESTAMPTZ,
    lease_owner TEXT,
    lease_until TIMESTAMPTZ
);

-- version 5

-- Version 5 keeps each delivery's attempts for the console and Delivery.History,
-- at no cost to an attempt that succeeds:
--   started_at   when the latest attempt started: written by the claim, which
--                updates the row anyway (neither column is indexed, so the
--                claim stays a HOT update). A "done" then tells the duration of
--                its attempt with finished_at, and writes nothing more.
--   attempt_log  a JSON array of the attempts that did not end in "done" (and
--                of the markers left by Retry and Replay), oldest first, at most
--                32 entries, each error cut to 1,024 bytes. It is written by the
--                statement that records such an outcome (retry, dead, release,
--                a claim that takes over a lost lease), never by a success.
ALTER TABLE pmshooks_inbox
    ADD COLUMN started_at  TIMESTAMPTZ,
    ADD COLUMN attempt_log JSONB;
