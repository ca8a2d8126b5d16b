// Package inbox makes webhook delivery safe in production: it stores each
// delivery in a database before acknowledging it, then hands it to your
// event.Handler from workers that retry failures, keep the deliveries of one
// booking (or any subject) in order, and never drop anything.
//
// Providers give an endpoint a few seconds to answer and retry on their own
// schedule, then give up (Propexo after 2.5 hours, OwnerRez marks the endpoint
// failing). A handler that calls a database and a PMS API inside the request
// loses deliveries under load; event.NewHTTPHandler's in-memory dedupe does
// not hold across replicas or restarts. The inbox answers in the time of one
// write, and the work happens afterwards, as often as needed.
//
//	db, dialect, err := inbox.OpenDB("inbox.db") // or a postgres:// URL
//	ib, err := inbox.New(db, dialect, inbox.WithLogger(logger))
//	err = ib.Migrate(ctx)
//
//	http.Handle("POST /hooks/channex", ib.HTTPHandler(channexReceiver))
//	http.Handle("POST /hooks/hostaway", ib.HTTPHandler(hostawayReceiver))
//	go ib.Run(ctx, mux) // mux is your event.Mux
//
// The package links no database driver: it takes a *sql.DB. Import
// modernc.org/sqlite (pure Go) or github.com/jackc/pgx/v5/stdlib in the
// program.
//
// # Receiving
//
// HTTPHandler authenticates, bounds and decodes a delivery with the provider's
// Receiver, exactly as event.NewHTTPHandler does (405, 413, 401), then
// stores the provider, event id, normalized type, name, account, subject,
// times, the headers that matter (see HeaderFilter) and the exact body, and
// answers 200 only after the commit. A copy of a stored delivery (same
// provider and event id) is refused by a unique key, on every replica at
// once, and answered 200. When the database does not commit, the answer is
// 503 with Retry-After, and the provider tries again.
//
// Deliveries that arrive together are written together (a group commit):
// while one group is being written, the deliveries that arrive queue up and
// go in the next, one transaction and, on PostgreSQL, one statement for the
// group (the function pmshooks_inbox_store; up to two groups at once, each
// on its own connection). A burst then costs the database one commit per
// group instead of one per delivery, just when providers wait for their 2xx;
// a delivery that arrives alone is written at once. Each sender is still
// answered only once its own row is committed. A group the database refuses
// is written again one delivery at a time, so one delivery that cannot be
// stored costs the others of its group nothing; a sender that leaves (its
// request's context ends) before its group is written is not written.
//
// A Receiver with a dedupe window (event.DedupeWindower: Propexo, which ids a
// delivery by its body and sends an identical body again one sync later) has
// its copies counted as retries only within the window; a copy that comes
// later is stored, and handled, as a new delivery. Each delivery it receives
// costs one lookup more, of the newest stored copy of its event through the
// unique key, a few pages however many deliveries are stored.
//
// An authentic delivery that cannot be decoded is not refused with a 400,
// which most providers never retry: it is stored dead with the decoder's
// error and answered 200, and Retry recovers it once the decoder is fixed.
//
// Headers are stored from an allow-list (DefaultHeaderFilter): a credential
// in a header the inbox was never told about is not stored, and neither is
// Authorization, Cookie or a header the Receiver names as secret, whatever
// the filter.
//
// # Processing
//
// Run starts workers (WithWorkers) that take the oldest claimable deliveries
// under a lease (WithLease), rebuild each Event with the provider's
// event.Decoder (every provider's Receiver is one; it parses without
// authenticating again) and call the handler. Deliveries are claimed for all
// idle workers in one statement (one claim in flight per 64 workers), and the
// "done" of handled deliveries is written in batches, one statement each (on
// PostgreSQL the function pmshooks_inbox_complete, which also passes each
// subject's head on), so that a hundred workers do not cost a hundred
// transactions a round; on PostgreSQL those writes do not wait for the disk,
// since a lost "done" only runs an idempotent handler again. While
// deliveries arrive together at the Inbox's own HTTPHandler (a burst), each
// claim first waits for the receive path to go quiet, at most 20
// milliseconds (WithReceiveFirst): the providers waiting for their 2xx keep
// most of the database, and the backlog is handled at full speed once the
// burst ends. A handler error, a panic or an
// undecodable delivery is retried after a Backoff with jitter (WithBackoff);
// after WithMaxAttempts attempts the delivery is dead: kept with its last
// error until Retry. A worker that dies or hangs loses its lease, and another
// worker, on any replica, takes the delivery over. Delivery is therefore at
// least once: handlers must be idempotent per event id.
//
// # Hydration
//
// Many deliveries carry a hint, not the record: OwnerRez sends an entity
// type and id, Channex may send no data, Propexo sends a partial record and
// the rest later. With WithHydrators the workers fetch the current record of
// each delivery's subject through the provider's API before the handler runs
// (ownerrez.NewHydrator and its siblings), and the handler reads it with
// event.BookingOf, event.MessageOf and event.RecordOf:
//
//	ib, err := inbox.New(db, dialect, inbox.WithHydrators(ownerrez.NewHydrator(client)))
//
// The fetch is part of the attempt. One that fails is retried with the
// Backoff like a failing handler, so a provider outage loses no delivery;
// one that the provider refuses for its rate limit waits what the provider
// asked and does not count as an attempt; a record that no longer exists
// reaches the handler with Record.Deleted set. The workers of a process share
// each client, and with it the client's view of the provider's rate-limit
// window.
//
// With WithCoalescing, a burst of deliveries about one subject costs one
// fetch and one handler call: the worker that claims the first delivery of
// the burst handles the latest one stored by then, with the record fetched
// after all of them arrived, and marks the earlier ones coalesced
// (StateCoalesced, shown by List and Stats and by `pmshooks inbox list`).
//
// # Reconciliation
//
// Webhooks get lost upstream, where no receiver can see it: a provider gives
// up after its retries, a subscription stops without notice. A listening
// receiver can be perfectly durable and still miss a booking.
// WithReconciler adds the other half: Run polls each provider's event.Source
// (channex.NewSource and its siblings list the changes through the
// provider's API) on a schedule, and stores each change as a delivery that
// the workers handle like a webhook. A change is keyed by its record's
// version as well as by its id, so a webhook and a poll of one change are
// handled once, whichever arrives first. Checkpoints live in the same
// database (pmshooks_inbox_checkpoints) and advance only after a page is
// stored; one replica at a time polls a source, under a lease.
//
//	ib, err := inbox.New(db, dialect, inbox.WithReconciler(5*time.Minute, src))
//
// Reconcile runs one pass by hand, from a given time: a backfill after an
// outage (`pmshooks reconcile`).
//
// # Ordering and its cost
//
// Deliveries about one subject (provider, Subject.Kind and a non-empty
// Subject.ID) are handled one at a time, in the order they were stored, so a
// booking.cancelled never overtakes the booking.created of the same booking on
// another worker. The costs:
//
//   - A failing delivery holds back the later deliveries of its subject until
//     it is done or dead: with the defaults up to about 100 minutes. Other
//     subjects are not held back.
//   - One subject uses one worker at a time: a burst about one booking is
//     handled serially, however many workers there are.
//   - Each subject's first pending delivery is marked as its head, and only
//     heads are claimed: a claim is one index scan over the due heads, in
//     received order. Keeping the mark costs the writes that change a
//     subject: an insert checks whether its subject has a pending delivery
//     (one index probe), and a "done" or "dead" marks the next one (one more
//     statement in its transaction). On PostgreSQL each of these takes the
//     subject's advisory lock; claims take none.
//
// The order of a subject is the order in which its deliveries were
// committed. On PostgreSQL each insert takes its subject's advisory lock
// before its id is drawn and holds it until the commit, so two replicas
// storing deliveries of one booking a few milliseconds apart cannot have the
// later one handled first, and a delivery that finishes while another of its
// subject is being stored passes its head to it. Two deliveries of one
// subject that reach two replicas at the same moment are ordered by which
// committed first: the providers' own order between such deliveries is not
// known to the inbox. Deliveries without a subject are not ordered.
//
// A failed delivery retried later keeps its subject's head. A dead delivery
// brought back with Retry keeps its id: when nothing of its subject is
// pending it runs at once; otherwise it runs after the delivery now at the
// head of its subject (never beside it) and before the later ones.
//
// Subjects are told apart by a 64-bit hash of provider, kind and id: two
// subjects whose hashes collide (one chance in 2^64 for a pair) are ordered
// together, as one.
//
// # SQLite and PostgreSQL
//
// SQLite is the default: one file, nothing to run, for one process. New
// limits the pool to one connection, since SQLite has one writer; the pool
// still serves the HTTP handler and the workers together, and another process
// (the pmshooks command) may open the file to list or retry. Commits are
// durable (WAL, synchronous FULL): a delivery answered 200 survives a power
// loss. Adding _synchronous=NORMAL to the DSN makes commits cheaper, and a
// power loss (not a process crash) may then lose the last acknowledged
// deliveries.
//
// PostgreSQL is for several replicas behind a load balancer: they share one
// database, each receives and runs workers, and workers claim rows with
// FOR UPDATE SKIP LOCKED so that no two take the same one. Replicas that only
// run workers need WithDecoder for each provider. Their clocks must agree to
// well within the lease. The inbox's transactions run at READ COMMITTED,
// PostgreSQL's default: storing a delivery fails on a connection whose
// default_transaction_isolation is stricter.
//
// Schema version 3 (the head mark) is written by this version of pmshooks
// only: stop the workers and receivers of an older version before Migrate
// upgrades the schema to it. An older receiver's inserts then fail rather
// than store deliveries no worker would take. Version 4 adds the keys and
// checkpoints of reconciliation, version 5 the columns of the attempt
// history; workers of older versions would leave them incomplete, so stop
// them too. Version 6 adds the PostgreSQL functions that store a group of
// deliveries, claim a batch and complete a batch, in one statement each.
//
// OpenDB maps a DSN to a pool and a Dialect: a postgres:// or postgresql://
// URL is PostgreSQL (driver "pgx"), anything else is a SQLite file (driver
// "sqlite"). The schema is the SQL in schema/sqlite.sql and
// schema/postgres.sql, applied by Migrate, which is idempotent, versioned in
// the table pmshooks_inbox_schema_version and never runs by itself. Migrate
// ends with a write it rolls back, and fails with ErrNotWritable on a
// database that cannot be written, so that a server does not start and
// report itself healthy only to answer every delivery 503. Event and subject
// ids of any length are stored: the indexes hold fixed-size hashes of them.
//
// # Crash safety
//
// What happens when the process (or the machine) dies at each step:
//
//   - Before the commit of the delivery's group: nothing of the group was
//     stored and no sender in it got a 200; the providers retry, and the
//     retries are stored.
//   - After the commit, before the 200 reached the provider: the delivery is
//     stored; the provider retries, and the copy is answered 200 without
//     being stored again.
//   - While a worker handles the delivery: its lease ends (WithLease) and a
//     worker, of this process after a restart or of another replica, handles
//     it again. On an orderly shutdown (Run's context ends) a delivery whose
//     handler gives up is released at once, and the attempt is not counted.
//   - After the handler returned, before its outcome was written: as above,
//     the handler runs again. This is the one case where a successful handler
//     runs twice.
//   - On every attempt, because the handler itself kills the process
//     (os.Exit, a fatal error, an OOM kill) or hangs past its lease: attempts
//     are counted when a delivery is claimed, so once WithMaxAttempts
//     attempts have started, the next claim does not run it again but marks
//     it dead, with an error saying its attempts never finished (lease
//     lost). The crash loop ends, and the later deliveries of its subject
//     run.
//
// # Managing and metrics
//
// List and Get show deliveries and their state (List filters by state,
// provider, type, subject and received time, oldest or newest first, by an
// id cursor), Retry brings a dead delivery back, Replay runs the handler
// again for any finished one, Purge deletes handled deliveries older than a
// given age (keep them longer than providers retry, a day is plenty), and
// Stats counts pending, in-flight, dead and done deliveries for a metrics
// endpoint. Package inbox/console shows all of it in a browser, live:
// Watermark is the cheap query it polls to notice changes.
//
// Each Delivery has its History: every attempt with its start, end,
// outcome and error. An attempt that succeeds costs no write for it: the
// claim, which updates the row anyway, records its start, and the "done"
// its end. The statements that record a failure, a release or a death
// append it to a bounded log in the same row (schema version 5).
//
// # Hooks: metrics and traces
//
// WithHooks gives the inbox a Hooks: functions called when HTTPHandler
// stored a delivery, was given a duplicate or could not commit (503), and
// when a worker starts an attempt (the context it returns, with a span say,
// is the Hydrator's and the handler's), finishes it with an Outcome (done,
// coalesced, retry, dead, released, rate_limited, lease_lost, not_recorded)
// and its duration, and when a delivery becomes dead. An attempt's
// AttemptFinished reports the outcome as written to the database: a
// handler's success is reported once its "done" is committed by the
// asynchronous group commit, so a lease lost in between reads lease_lost,
// not done. Give HTTPHandler event.WithHooks too for the receiving side
// (authentication, rejections). Every field is optional; without WithHooks
// nothing is called. The module github.com/pmshooks/pmshooks/otel fills both
// for OpenTelemetry.
//
// # Logging
//
// Nothing is logged unless WithLogger is given a *slog.Logger. Each attempt is
// one line with provider, event_id, attempt and outcome (done, retry, dead,
// released, rate_limited, lease_lost; the Outcome constants); stored deliveries and copies are logged at debug
// level. Lines never hold bodies or header values.
package inbox
