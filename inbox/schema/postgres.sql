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

-- version 6

-- Version 6 moves the two writes every delivery makes into functions, each
-- called in one statement, so that a write is one round trip however many
-- deliveries it carries; the claim, at the end of this section, follows.
--
-- pmshooks_inbox_store stores the deliveries that arrived together (the
-- inbox's group commit: the requests that wait while the previous group is
-- written): element i of every array is delivery i, stored in that order. It
-- returns (i, id) for each delivery it stored; the others were copies. As
-- pmshooks_inbox_lock_subject does for one delivery, it takes the advisory
-- locks of all their subjects first (in key order, as completions do, so that
-- the two cannot deadlock) and holds them until the commit: a later delivery
-- of a subject then gets a larger id only after the earlier one is visible.
-- Each statement of the function runs in a snapshot taken after the locks
-- were granted (VOLATILE, READ COMMITTED), so that it sees every delivery of
-- its subjects committed before, and those it stored itself: a delivery is
-- head when no delivery of its subject is pending then.
--
-- window_us[i] > 0 is the receiver's dedupe window in microseconds: a copy of
-- the newest stored delivery of the event key received within it is a copy;
-- a later one is stored as a new delivery whose generation is that
-- delivery's id. 0 means every copy is a copy. A copy stored at the same
-- moment by another replica is refused by the unique key, as a copy.
CREATE FUNCTION pmshooks_inbox_store(
    a_provider     TEXT[],
    a_event_id     TEXT[],
    a_event_key    BYTEA[],
    a_window_us    BIGINT[],
    a_type         TEXT[],
    a_name         TEXT[],
    a_account      TEXT[],
    a_subject_kind TEXT[],
    a_subject_id   TEXT[],
    a_subject_key  BIGINT[],
    a_event_time   TIMESTAMPTZ[],
    a_received_at  TIMESTAMPTZ[],
    a_headers      TEXT[],
    a_body         BYTEA[],
    a_state        TEXT[],
    a_finished_at  TIMESTAMPTZ[],
    a_last_error   TEXT[],
    a_change_key   BYTEA[],
    a_source       TEXT[])
RETURNS TABLE (stored_n INTEGER, stored_id BIGINT)
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    k          BIGINT;
    gen        BIGINT;
    newest_id  BIGINT;
    newest_at  TIMESTAMPTZ;
BEGIN
    IF current_setting('transaction_isolation') <> 'read committed' THEN
        RAISE EXCEPTION 'pmshooks inbox: deliveries are stored at READ COMMITTED, not %',
            current_setting('transaction_isolation');
    END IF;
    -- The statements below are planned once per connection and their plans
    -- kept: planned on a new, nearly empty table, a plan that reads the
    -- whole table is the cheapest, and it would be kept while the table
    -- grows. None of them needs a sequential scan: for this transaction,
    -- the planner takes none.
    PERFORM set_config('enable_seqscan', 'off', true);
    FOR k IN SELECT DISTINCT s # hashtextextended(current_schema(), 0)
        FROM unnest(a_subject_key) AS s WHERE s IS NOT NULL ORDER BY 1
    LOOP
        PERFORM pg_advisory_xact_lock(k);
    END LOOP;
    FOR i IN 1 .. COALESCE(array_length(a_provider, 1), 0) LOOP
        gen := 0;
        IF a_window_us[i] > 0 THEN
            -- "id + 0": see the dedupe lookup in the inbox's Go code.
            SELECT r.id, r.received_at INTO newest_id, newest_at
            FROM pmshooks_inbox AS r WHERE r.event_key = a_event_key[i]
            ORDER BY r.id + 0 DESC LIMIT 1;
            IF FOUND THEN
                CONTINUE WHEN a_received_at[i] - newest_at < a_window_us[i] * INTERVAL '1 microsecond';
                gen := newest_id;
            END IF;
        END IF;
        INSERT INTO pmshooks_inbox AS r (provider, event_id, event_key, generation, type, name, account,
            subject_kind, subject_id, subject_key, event_time, received_at, headers, body,
            state, finished_at, last_error, next_attempt_at, head, change_key, source)
        VALUES (a_provider[i], a_event_id[i], a_event_key[i], gen, a_type[i], a_name[i], a_account[i],
            a_subject_kind[i], a_subject_id[i], a_subject_key[i], a_event_time[i], a_received_at[i],
            a_headers[i]::JSONB, a_body[i], a_state[i], a_finished_at[i], a_last_error[i], a_received_at[i],
            a_subject_key[i] IS NULL OR NOT EXISTS (
                SELECT 1 FROM pmshooks_inbox AS o WHERE o.subject_key = a_subject_key[i] AND o.state = 'pending'),
            a_change_key[i], a_source[i])
        ON CONFLICT DO NOTHING
        RETURNING r.id INTO stored_id;
        IF FOUND THEN
            stored_n := i;
            RETURN NEXT;
        END IF;
    END LOOP;
END
$$;

-- New pages are filled to half, so that the claim, which changes no indexed
-- column, finds room for the row's new version on the row's page and is a
-- HOT update: no index entry written, and none for later claims to read
-- past. With full pages most claims moved the row and wrote an entry in
-- every index (measured, 4 workers: a third of the buffers read per claim,
-- and 15% less PostgreSQL CPU per handled delivery; 70 and 30 did worse).
-- It applies to pages written from now on.
ALTER TABLE pmshooks_inbox SET (fillfactor = 50);

-- pmshooks_inbox_complete marks done the deliveries a_id that are still
-- leased to the tokens a_token, and passes the head of each finished head's
-- subject to the next pending delivery of the subject. It returns a row
-- (id, NULL) for each delivery it marked (the others' leases were lost), and
-- a row (NULL, id) for each delivery that became head, so that the caller
-- wakes its workers only when there is something new to claim. a_subject_key are the subjects of
-- the deliveries, locked first in key order, as pmshooks_inbox_store does: an
-- insert of the subject in progress has committed by the time the next head
-- is looked up, in a statement of its own, and one that comes later waits for
-- this commit and then sees what is pending. The commit does not wait for the
-- disk: a "done" lost in a crash only runs an idempotent handler again, the
-- argument the lease makes already.
CREATE FUNCTION pmshooks_inbox_complete(
    a_id          BIGINT[],
    a_token       TEXT[],
    a_subject_key BIGINT[],
    a_finished_at TIMESTAMPTZ)
RETURNS TABLE (finished_id BIGINT, head_id BIGINT)
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    k      BIGINT;
    done   RECORD;
    heads  BIGINT[] := '{}';
BEGIN
    IF current_setting('transaction_isolation') <> 'read committed' THEN
        RAISE EXCEPTION 'pmshooks inbox: deliveries are completed at READ COMMITTED, not %',
            current_setting('transaction_isolation');
    END IF;
    PERFORM set_config('synchronous_commit', 'off', true);
    -- As in pmshooks_inbox_store: a kept plan must not read the whole table
    -- (planned on a small table, the head's promotion hashed every row).
    PERFORM set_config('enable_seqscan', 'off', true);
    FOR k IN SELECT DISTINCT s # hashtextextended(current_schema(), 0)
        FROM unnest(a_subject_key) AS s WHERE s IS NOT NULL ORDER BY 1
    LOOP
        PERFORM pg_advisory_xact_lock(k);
    END LOOP;
    FOR done IN
        UPDATE pmshooks_inbox AS r SET state = 'done', lease_token = NULL, finished_at = a_finished_at
        FROM unnest(a_id, a_token) AS x(id, token)
        WHERE r.id = x.id AND r.lease_token = x.token AND r.state = 'pending'
        RETURNING r.id, r.subject_key, r.head
    LOOP
        IF done.head AND done.subject_key IS NOT NULL THEN
            heads := heads || done.subject_key;
        END IF;
        finished_id := done.id;
        RETURN NEXT;
    END LOOP;
    IF cardinality(heads) > 0 THEN
        finished_id := NULL;
        FOR head_id IN
            UPDATE pmshooks_inbox AS n SET head = true
            WHERE n.id IN (SELECT (SELECT o.id FROM pmshooks_inbox AS o
                    WHERE o.subject_key = h AND o.state = 'pending' ORDER BY o.id LIMIT 1)
                FROM unnest(heads) AS h)
                AND NOT n.head
            RETURNING n.id
        LOOP
            RETURN NEXT;
        END LOOP;
    END IF;
END
$$;

-- pmshooks_inbox_claim leases to a_token, until a_until, the first a_limit
-- heads due at a_now that no other claim has locked, and returns them. It is
-- the claim the inbox made as a statement of its own before, moved here so
-- that its kept plan, like the two functions above, never scans the whole
-- table: made on a new table, the statement's plan found the leased rows by
-- a sequential scan, and kept it while the table grew. The SET list is the
-- inbox's (claimHistory in history_sql.go; a test keeps the two the same):
-- $1 is a_now. A lease lost in a database crash is only a delivery
-- attempted again, so the commit does not wait for the disk.
CREATE FUNCTION pmshooks_inbox_claim(
    a_now   TIMESTAMPTZ,
    a_token TEXT,
    a_until TIMESTAMPTZ,
    a_limit INTEGER)
RETURNS SETOF pmshooks_inbox
LANGUAGE plpgsql VOLATILE AS $$
BEGIN
    PERFORM set_config('synchronous_commit', 'off', true);
    PERFORM set_config('enable_seqscan', 'off', true);
    RETURN QUERY
    UPDATE pmshooks_inbox AS r SET lease_token = a_token, next_attempt_at = a_until, attempts = r.attempts + 1,
        started_at = $1, attempt_log = CASE WHEN lease_token IS NULL THEN attempt_log ELSE (CASE WHEN jsonb_array_length(COALESCE(attempt_log, '[]'::JSONB)) >= 32 THEN COALESCE(attempt_log, '[]'::JSONB) - 0 ELSE COALESCE(attempt_log, '[]'::JSONB) END) || jsonb_build_array(jsonb_build_object('attempt', attempts, 'started_at', started_at, 'finished_at', $1::TIMESTAMPTZ, 'outcome', 'lease_lost'::TEXT, 'error', left('the lease ended before the attempt recorded an outcome: the process died or the handler outlived its lease'::TEXT, 1024))) END
    WHERE r.id = ANY (ARRAY(
        SELECT c.id FROM pmshooks_inbox AS c
        WHERE c.head AND c.state = 'pending' AND c.next_attempt_at <= a_now
        ORDER BY c.id LIMIT a_limit FOR UPDATE SKIP LOCKED))
    RETURNING r.*;
END
$$;
