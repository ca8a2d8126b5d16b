// Command pmshooks is the developer command of pmshooks, in the spirit of
// stripe-cli: it posts correctly signed sample deliveries of the five
// property-management systems (BookingSync, Channex, Hostaway, OwnerRez,
// Propexo), runs a receiver that prints what arrives, inspects captured
// bodies, manages webhook subscriptions through the providers' APIs, and
// manages the deliveries stored by an inbox, measures an inbox (bench), and
// serves the providers' fake APIs (mock), and backfills an inbox from a
// provider's API after an outage (reconcile).
//
// Install it with
//
//	go install github.com/pmshooks/pmshooks/cmd/pmshooks@latest
//
// and try it in two terminals:
//
//	pmshooks listen
//	pmshooks send hostaway reservation.created --webhook-password dev-... # the command listen printed
//
// Every command and subcommand takes -h or --help. Flags and arguments may
// come in any order; "--" ends the flags. The exit status is 0 on success,
// 1 when the command failed (an unknown event, a missing credential, a
// refused delivery, a body that is not the provider's, an API error) and 2
// for a usage error (an unknown flag, provider or action, a missing
// argument), which ends with the hint to run --help.
//
// The flags mean the same in every command: --limit N caps the number of
// items listed, --max-body BYTES the size of a body, --json prints JSON with
// snake_case keys, and --db defaults to $PMSHOOKS_DB. Every command line
// printed for you to paste (listen's send commands, its saved bodies'
// inspect commands, inbox list's next page) is quoted for a POSIX shell and
// starts with the command as you ran it: pmshooks, or go run ./cmd/pmshooks.
//
// # send
//
//	pmshooks send PROVIDER EVENT [--url URL] [CREDENTIAL FLAGS] [-H 'Name: value']... [--unsigned] [-v]
//	pmshooks send PROVIDER --list
//
// Send posts the sample delivery of EVENT, the provider's own event name, to
// URL (by default http://127.0.0.1:8080/hooks/PROVIDER, where listen
// receives), authenticated exactly as the provider does: BookingSync's and
// Propexo's HMAC signatures, Channex's secret header, Hostaway's and
// OwnerRez's Basic auth. It prints the status the receiver answered and fails
// unless it is 2xx. --list prints the provider's events with their
// normalized types.
//
// The credentials are the receiver's verifier settings. Each is a flag or
// else an environment variable, with a default for the non-secret ones:
//
//	provider     flag                environment variable        default
//	bookingsync  --client-secret     BOOKINGSYNC_CLIENT_SECRET
//	channex      --webhook-header    CHANNEX_WEBHOOK_HEADER      X-Channex-Webhook-Secret
//	channex      --webhook-token     CHANNEX_WEBHOOK_TOKEN
//	hostaway     --webhook-login     HOSTAWAY_WEBHOOK_LOGIN      pmshooks
//	hostaway     --webhook-password  HOSTAWAY_WEBHOOK_PASSWORD
//	ownerrez     --webhook-user      OWNERREZ_WEBHOOK_USER       pmshooks
//	ownerrez     --webhook-password  OWNERREZ_WEBHOOK_PASSWORD
//	propexo      --webhook-secret    PROPEXO_WEBHOOK_SECRET
//
// Examples:
//
//	pmshooks send propexo --list
//	PROPEXO_WEBHOOK_SECRET=s3cr3t pmshooks send propexo DATA_NEW --url https://dev.example/hooks/propexo
//	pmshooks send channex booking_new --webhook-token t0ken
//	pmshooks send hostaway reservation.created --unsigned   # expect 401, exit status 1
//
// # listen
//
//	pmshooks listen [--addr 127.0.0.1:8080] [--db FILE] [--save DIR] [--max-body BYTES] [-v]
//
// Listen runs one receiver for all five providers on POST /hooks/{provider}
// and prints a line for each delivery: the time, the status it answered, the
// provider, the event name, the normalized type, the subject and "verified";
// or why it was refused (401 authentication failed, 400 not decodable, 413
// too large), or that it was a duplicate. -v adds the event as JSON.
//
// Listen keeps each authenticated delivery in a SQLite inbox, --db FILE (by
// default pmshooks/listen.db in the user cache directory, kept across
// restarts), and serves the inbox console (package inbox/console) on its
// port at /ui/, without authentication, to loopback clients only.
//
// With --save DIR, listen writes the body of each authenticated delivery to
// DIR as PROVIDER-TIME-ID.json and prints the inspect command that reads it:
//
//	12:21:59 200 hostaway reservation.created -> booking.created booking/13 (verified, id sha256:667e157179bd...)
//	         saved: pmshooks inspect hostaway captured/hostaway-20260301T122159.042Z-667e157179bd.json
//
// A provider whose credentials are not all in the environment runs in
// development mode: its secrets are random for this run. At start, listen
// prints each provider's URL, credentials and the exact send command that
// posts it a signed sample. It stops gracefully on Ctrl-C or SIGTERM.
//
//	$ pmshooks listen
//	pmshooks listen: receiving webhooks on http://127.0.0.1:8080/hooks/{provider}
//	...
//	hostaway  http://127.0.0.1:8080/hooks/hostaway
//	  HOSTAWAY_WEBHOOK_LOGIN=pmshooks                         (default)
//	  HOSTAWAY_WEBHOOK_PASSWORD=dev-5476f70937a58b149aa15cf7  (generated)
//	  try: pmshooks send hostaway reservation.created --url http://127.0.0.1:8080/hooks/hostaway --webhook-password dev-5476f70937a58b149aa15cf7
//	...
//	12:21:59 200 hostaway reservation.created -> booking.created booking/13 (verified, id sha256:667e157179bd...)
//	         booking 13 confirmed 2017-07-15..2017-07-16 Andrew Peterson airbnb 267 USD
//	12:21:59 401 hostaway delivery rejected: authentication failed: hostaway: verify: unauthorized: ...
//
// # inspect
//
//	pmshooks inspect PROVIDER [FILE|-] [-H 'Name: value']... [CREDENTIAL FLAGS] [--verify] [--max-body BYTES]
//
// Inspect parses a captured body (FILE, or standard input) as the provider's
// receiver does and prints, as indented JSON, the normalized event (provider,
// name, type, id, account, subject, time, booking or message) and the
// provider's typed payload. It verifies nothing unless credentials are given,
// by a credential flag or by --verify (from the environment); it then checks
// the body against the headers given with -H. A body that is not the
// provider's envelope (such as another provider's delivery, which the
// lenient receivers of some providers would decode) fails. listen --save
// captures bodies to inspect.
//
//	pmshooks inspect ownerrez booking.json
//	pbpaste | pmshooks inspect channex
//	pmshooks inspect propexo body.json --webhook-secret s3cr3t -H 'propexo-signature: 5d41...'
//
// # webhooks
//
//	pmshooks webhooks PROVIDER list   [--json] [--base-url URL]
//	pmshooks webhooks PROVIDER create --url URL [PROVIDER FLAGS] [--json] [--base-url URL]
//	pmshooks webhooks PROVIDER delete ID [--base-url URL]
//	pmshooks webhooks channex  test   [ID | --url URL ...]
//
// Webhooks drives the providers' subscription clients. The API keys come
// from the environment only (a missing one is named, exit status 1):
//
//	channex   CHANNEX_API_KEY
//	hostaway  HOSTAWAY_ACCOUNT_ID and HOSTAWAY_CLIENT_SECRET, or HOSTAWAY_ACCESS_TOKEN
//	ownerrez  OWNERREZ_TOKEN (an OAuth access token; with OWNERREZ_EMAIL, a personal token), or OWNERREZ_ACCESS_TOKEN
//	propexo   PROPEXO_API_KEY
//
// create gives the new webhook the receiver's credentials where the provider
// sends them (Channex's secret header, Hostaway's Basic-auth pair, Propexo's
// signing secret), from the same variables as listen. --base-url points the
// client at a staging API or a fake. BookingSync has no subscription API:
// the command says so and fails. Secrets are never printed, except the
// signing secret Propexo generates on create. --json prints the webhooks
// with snake_case keys, the shared ones named alike (id, url, enabled).
//
//	CHANNEX_API_KEY=... pmshooks webhooks channex list --base-url https://staging.channex.io/api/v1
//	CHANNEX_API_KEY=... CHANNEX_WEBHOOK_TOKEN=t0ken pmshooks webhooks channex create --url https://acme.example/hooks/channex --events 'booking_new;booking_cancellation'
//	PROPEXO_API_KEY=... pmshooks webhooks propexo create --url https://acme.example/hooks/propexo --trigger DATA_NEW,DATA_UPDATE --model leases
//	OWNERREZ_TOKEN=at_... pmshooks webhooks ownerrez delete 123
//
// # inbox
//
//	pmshooks inbox list  --db DSN [--state STATE] [--provider PROVIDER] [--limit N] [--after ID] [--json]
//	pmshooks inbox retry --db DSN ID...
//	pmshooks inbox purge --db DSN [--older-than 24h]
//	pmshooks inbox replay --db DSN ID --to URL [CREDENTIAL FLAGS]
//	pmshooks inbox ui --db DSN [--addr 127.0.0.1:8081]
//
// Inbox manages the deliveries a receiver built on package inbox stored: list
// them (state, attempts, next attempt, last error, and the counts of each
// state), make dead ones pending again, delete the handled ones. Replay
// re-sends a stored delivery to a handler URL, signed again with the
// provider's credentials from the flags or environment as send does (the
// inbox stores none); ui serves the inbox console to loopback clients. DSN is a
// postgres:// or postgresql:// URL for PostgreSQL, anything else the path of an
// existing SQLite file; --db defaults to $PMSHOOKS_DB. When a page is full,
// list prints the command that lists the next one.
//
//	pmshooks inbox list --db inbox.db --state dead
//	pmshooks inbox retry --db inbox.db 42 43
//	pmshooks inbox purge --db postgres://app@db/app --older-than 72h
//
// # bench
//
//	pmshooks bench [--db DSN] [--senders 8] [--workers 4] [--backlog 2000] [--duration 10s] [--json]
//
// Bench measures an inbox on this machine: receive (signed Propexo
// deliveries posted over loopback HTTP by concurrent senders, workers
// running: deliveries per second, p50 and p99 of the wait for the 200), work
// (workers draining a stored backlog with a no-op handler: handled per
// second) and latency (one sender: p50 and p99 from the POST to the
// handler), printed as a table headed by the CPU count, GOMAXPROCS and Go
// version. Each phase runs at most --duration on tables of its own: a new
// schema of the PostgreSQL database (dropped afterwards), or a SQLite file
// that must not exist (a temporary one without --db), removed afterwards.
//
//	pmshooks bench
//	pmshooks bench --db postgres://app@db/app --senders 32 --json
//
// # mock
//
//	pmshooks mock PROVIDER [--addr HOST:PORT]
//
// Mock serves the fake API of a provider on a port: the one its
// <provider>test package starts in Go tests with NewServer, with state in
// memory, the provider's envelopes, pagination and errors. It prints the base
// URL to give the client (WithBaseURL) and the credentials the fake accepts.
//
//	pmshooks mock ownerrez
//	pmshooks mock channex --addr 127.0.0.1:9100
//
// # reconcile
//
//	pmshooks reconcile PROVIDER --since TIME --db DSN [PROVIDER FLAGS] [--base-url URL]
//
// Reconcile runs one pass of reconciliation by hand: it lists the changes the
// provider's API reports since TIME (RFC 3339, or a duration ago such as 6h)
// and stores each in the inbox as a delivery for the service's workers,
// printing a progress line per page. A change already stored, as a webhook or
// by an earlier pass, is not stored again. The service's inbox must have the
// same source (inbox.WithReconciler) to decode what it stored.
//
//	pmshooks reconcile ownerrez --user-id 347482730 --since 6h --db inbox.db
package main
