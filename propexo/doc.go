// Package propexo receives Propexo webhooks, manages Propexo webhook
// configurations and reads the records the deliveries are about.
//
// Propexo (formerly Propify) is a unified API over residential property
// management systems (Yardi, Entrata, AppFolio, RealPage, ...). It keeps a
// cache of each integration's records (leases, residents, units, service
// requests, ...) and sends a webhook when a sync adds or changes a record,
// when a sync ends and when a job or a write fails.
//
//	v, err := propexo.NewVerifier(os.Getenv("PROPEXO_WEBHOOK_SECRET"))
//	r, err := propexo.NewReceiver(v)
//	mux := event.NewMux()
//	mux.On(event.RecordUpdated, event.HandlerFunc(func(ctx context.Context, e event.Event) error {
//		w := e.Data().(*propexo.Webhook)
//		if w.DataUpdate.Object == propexo.ModelLeases { ... }
//		return nil
//	}))
//	http.Handle("POST /hooks/propexo", event.NewHTTPHandler(r, mux))
//
//	c, err := propexo.NewClient(propexo.APIKey(os.Getenv("PROPEXO_API_KEY")))
//	sub, resp, err := c.Webhooks.Create(ctx, &propexo.SubscriptionParams{
//		URL: "https://example.com/hooks/propexo", Enabled: true,
//		Events: []propexo.Trigger{propexo.TriggerDataUpdate}, Model: propexo.ModelLeases,
//	})
//	for s, err := range c.Webhooks.All(ctx, nil) { ... }
//
//	// The whole record, where the delivery carried a part.
//	lease, resp, err := c.Records.Get(ctx, propexo.ModelLeases, "clx9m2v4t000508jq1b7c3d8e")
//	h := event.Hydrate(mux, propexo.NewHydrator(c)) // a handler that sees event.RecordOf(e)
//
// # Authentication
//
// Each delivery carries the header propexo-signature: the lowercase hex
// HMAC-SHA256 of the exact body, keyed with the webhook's secret. There is
// no prefix, no timestamp and no version; NewVerifier checks it (and
// accepts upper-case hex and surrounding white space). Several secrets may
// be given while one is rotated. Propexo delivers from no fixed IP
// addresses; the signature is the only protection. The custom headers a
// webhook may carry (sent with each delivery) are not checked.
//
// NewVerifier refuses a secret that is blank or starts or ends with white
// space (verify.ErrSecretWhitespace), such as one read from a file with its
// trailing newline: trim it first. Receiver.VerifyHeader checks, before the
// body is read, that a well-formed signature is present; only Receive can
// check it against the body.
//
// The client authenticates with a Propexo API key, APIKey(key), sent as
// Authorization: Bearer.
//
// # Client
//
// Client has the shape of every pmshooks API client: each call returns
// (*T, *Response, error), (*Page[T], *Response, error) for a list, or
// (*Response, error) for Delete; every list has an All iterator; list
// options embed ListOptions (Page, PerPage), which Propexo receives as
// offset=(Page-1)*PerPage and limit=PerPage. Response.Rate carries the
// x-ratelimit-limit and x-ratelimit-remaining headers (150 requests a
// minute by default). Base URLs include the version path: BaseURL and
// StagingURL (Propexo's sandbox) end in /v1. A webhook configuration is a
// Subscription; Create and Update take a *SubscriptionParams, whose
// Enabled is always sent since Propexo's own default for a new webhook is
// inactive. A call refused without being sent, because an earlier answer
// closed the client's rate-limit window for longer than WithRetryAfterMax,
// returns a *LimitError.
//
// # Records
//
// Client.Records.Get(ctx, model, id) reads any record Propexo caches,
// GET /v1/<model>/{id}: one call typed by Model rather than 51 methods.
// Propexo's OpenAPI description has 51 such paths (RecordModels), all
// answering {"meta", "results": record}; their records share eight fields
// (id, x_id, integration_id, integration_vendor, property_id, created_at,
// updated_at, last_seen), which Record holds with the record as sent, and
// differ in the rest by model and by property management system (the
// custom_data of each). Typed structs for all 51 would be 51 copies of a
// schema that drifts; instead Record.Decode, or the generic
// GetRecord[T](ctx, c, model, id), decodes a record into a type of your
// own. Model.RecordPath gives each model's path; five are not the model's
// name (vendors for service_request_vendors, service-request-history for
// service_request_notes, ...), as the description's derivedFromModel says.
// A delivery's payload decodes the same way (DataNew.Record).
//
// Client.JobLogs reads the logs of integration jobs (ListForJob: the job
// a JOB_FAILURE names) and Client.Writes the status of a write (Get: the
// write a WRITE_OPERATION_FAILURE names).
//
// # Hydration
//
// Propexo's deliveries are hints: a DATA_NEW may carry only part of a new
// record and the rest follows in a DATA_UPDATE, which itself carries only
// the changed fields; Propexo recommends reading the record. Hydration is
// how a handler gets the whole record: NewHydrator(c), given to
// event.Hydrate or to the inbox, fetches the record of each DATA_NEW and
// DATA_UPDATE, the job logs of a JOB_FAILURE and the status of a
// WRITE_OPERATION_FAILURE, and event.RecordOf(e).Data holds it (a
// *Record, []*JobLog or *WriteResult). Propexo's records are not bookings
// or messages, so BookingOf and MessageOf still report nothing.
//
// # Changes since
//
// The OpenAPI description documents no "changed since" filter on the
// record lists (no updated_after or updated_at_gte on /v1/leases/ and the
// others; only /v1/webhooks/ gains updated_at_gte and last_seen_gte in the
// newer live reference, not in the description). The changes since a
// time are the data diffs: Client.DataDiffs.List or All with After (and
// Before), kept for 30 days, each naming the model and record to read.
// NewSource polls them for reconciliation.
//
// # Reconciliation
//
// Propexo drops a delivery after RetryPeriod of failures, and a disabled
// webhook loses what happens meanwhile. NewSource(c, integrationID) is the
// event.Source that finds those changes (see inbox.WithReconciler): it
// lists the data diffs of one integration, or of every integration of the
// API key when integrationID is "", oldest first: GET
// /v1/admin/data-diffs/?order-by=created_at:asc&after=...&integration_id=...
// in pages of 250 (WithSourcePerPage). Each diff is one Change, decoded
// into the event the Receiver makes of the DATA_NEW (NEW) or DATA_UPDATE
// (UPDATE) delivery of the same change: same Type, Name, Account and
// Subject, Time the diff's created_at, Origin event.OriginPoll, Data and
// event.RecordOf the *DataDiff. Give the Source your Receiver's options
// (WithSourceReceiverOptions) when they route models to other types.
//
// Version. A webhook and a poll of one change must report the same
// event.VersionOf for an inbox to handle the change once. The only value
// Propexo's reference puts in both a DATA_* delivery and a data diff is the
// sync job: data.job_id and the diff's job_id (a delivery has no event or
// diff id; its payload or diff holds updated_at only when Propexo sends
// that field, and the record read now may be a later state). So both
// sides report "<trigger>:<job id>", such as "DATA_UPDATE:cm2kq7r1x...",
// through one function; a sync job reads a record once, and the trigger
// tells a record created and enriched by one job apart. Limits: that the
// delivery's job and the diff's are the same job is inferred, not
// documented; a diff whose job_id is null, or a delivery without job_id,
// has Version "". Where the versions differ or are "", the webhook and
// the poll of a change are both handled (never lost, handled twice):
// keep handlers idempotent, or hydrate and compare updated_at.
//
// Checkpoints. The checkpoint holds the after bound and an offset. Each
// page starts a millisecond before the last diff of the previous page (so
// the diffs of that millisecond are listed again and dropped by their
// Change.ID), or, when a whole page shares one millisecond, at the same
// bound with the offset past it; a page out of created_at order is
// refused. A diff that Propexo records with a created_at earlier than one
// already listed (a job that commits late), or that its order of equal
// timestamps moves between two pages, can be missed.
//
// Cost. One poll is one request per page: at a 5-minute interval, 12
// requests an hour when little changes, and about 12 × ceil(M/12/250) for
// an account with M changes an hour (M = 10,000: 48 requests an hour), of
// a budget of 150 a minute. One Source for all integrations costs that
// once; one per integration costs it per integration. Hydrating each
// polled change costs one more request per change.
//
// What it cannot see: deletions (Propexo never deletes a cached record and
// records no diff when a record disappears; its last_seen stops moving);
// changes older than the 30 days diffs are kept; and, possibly, the
// integrations of the systems missing from the data diffs' vendor enum
// (AppFolio, Yardi, RentCafe, ...): the reference lists only
// DataDiffVendors as their integration_vendor, and does not say whether
// other systems' changes are recorded. Whether first syncs and backsyncs,
// which send no DATA_* webhooks, record diffs is not documented either:
// if they do, the Source reports changes no webhook ever would. Relations
// (residents_to_leases, ...) are listed, but have no record to hydrate.
//
// # Deliveries
//
// Two shapes are documented and both parse: {"trigger", "data", "meta"},
// the shape of Propexo's OpenAPI description and API reference, and the
// flat shape of its webhook detail pages, where the data fields are at the
// top level with "event" naming the trigger and "meta" beside them. The
// triggers are DATA_NEW, DATA_UPDATE (model records), SYNC_COMPLETE,
// FIRST_SYNC_COMPLETE, JOB_FAILURE, WRITE_OPERATION_FAILURE and the legacy
// JOB_SUCCESS; an unknown trigger parses, with its data kept raw, and
// normalizes to event.TypeUnknown.
//
// Only a body that is not the envelope at all is malformed (400): not JSON,
// not a JSON object, a "data" that is neither an object nor null, or no
// trigger given as a non-empty JSON string (see Parse). A value a field
// cannot read is kept as text or in its Unparsed field
// (lenient.Int.IsUnparsed, ...), and a member of the wrong shape (meta,
// diff, a list) sets Webhook.DataError, so an authentic delivery is never
// lost over one field.
//
// Propexo does not send:
//
//   - an event id or delivery id: Event.ID is event.HashID of the body, the
//     same for every retry of a delivery;
//   - a timestamp: Event.Time is zero, and nothing guards against replay
//     beyond deduplication on Event.ID;
//   - delete events: Propexo never deletes a cached record, it stops
//     updating its last_seen; compare last_seen to find records gone from
//     the property management system;
//   - DATA_NEW or DATA_UPDATE during an integration's first sync or a
//     backsync (FIRST_SYNC_COMPLETE marks the end of the first sync);
//   - complete records: a DATA_NEW may carry only some fields (an id and a
//     name) and the rest follow in a DATA_UPDATE, whose diff holds only the
//     changed fields. Read the record from the API when you need all of it
//     (Client.Records, or a Hydrator: see Hydration);
//   - relations in a record's payload: a lease does not name its residents;
//     subscribe to the residents_to_leases model for that.
//
// Because the body is the only id, two distinct deliveries with the same
// body have the same Event.ID. A SYNC_COMPLETE carries no job id, so the
// syncs of one schedule with the same counts send identical bodies, one
// sync interval apart (12 hours by default). The dedupe window must be longer
// than Propexo's retries (RetryPeriod) and shorter than the sync interval.
// Receiver.DedupeWindow says so, and event.NewHTTPHandler's default deduper
// follows it; a Deduper you give it yourself (a shared store) must use such
// a window too, or it drops the second of two such deliveries.
//
// # Retries and recovery
//
// Propexo counts any 2xx answer as delivered. Any other answer, 4xx
// included, is retried every 15 minutes, at most 10 times (RetryPeriod,
// about 2.5 hours); after that the delivery is lost, and a webhook that is
// disabled loses what happens meanwhile. Answer quickly and queue the work
// (see the inbox package). After a downtime longer than RetryPeriod,
// recover DATA_NEW and DATA_UPDATE from the data diffs, which Propexo keeps
// for 30 days: a Source (NewSource, see Reconciliation), or
// Client.DataDiffs.All with After set to the start of the outage.
//
// # Normalization
//
// DATA_NEW is event.RecordCreated and DATA_UPDATE event.RecordUpdated, with
// Subject {Kind: the model in singular snake_case (Model.Kind: "lease" for
// leases, "resident_to_lease" for residents_to_leases), ID: record_id}, for
// every model:
// Propexo's records are residential (a lease is a tenancy, not a stay; a
// resident is a tenant, not a guest), and its payloads are partial, so no
// event.Booking could be filled faithfully and booking handlers would be
// fed records they do not expect. WithModelTypes routes chosen models to
// other types. SYNC_COMPLETE, FIRST_SYNC_COMPLETE and JOB_SUCCESS are
// event.SyncCompleted; JOB_FAILURE and WRITE_OPERATION_FAILURE are
// event.SyncFailed. Account is the integration id.
//
// # Models
//
// A webhook for DATA_NEW or DATA_UPDATE covers one model, named in
// snake_case when subscribing (residents_to_leases) but in kebab-case in
// the deliveries' "object" (residents-to-leases). Model holds the
// snake_case spelling, decodes either, and Model.Object gives the other;
// the constants cover the 112 subscribable models.
//
// # Unsupported or unknown
//
//   - The pre-rename header propify-signature (Propify, 2023) is not
//     accepted.
//   - Propexo's current verification example (TypeScript) could not be
//     read; the scheme follows its earlier Node example. That the signed
//     bytes are exactly the raw body, and that the hex is lowercase, are
//     strongly implied but not stated.
//   - How long Propexo waits for an answer, whether deliveries are ordered,
//     whether redirects count as failures, and whether a webhook is
//     disabled after its retries run out are not documented.
//   - The management API has no endpoint to send a test delivery, and the
//     trigger sub-resources (/v1/webhooks/{id}/triggers) were removed in
//     2025; the client offers neither. Use propexotest to send samples, or
//     its fake API (propexotest.NewServer) to deliver about records.
//   - The record calls are reads only: the record lists, writes (POST and
//     PUT of records), POST /v1/admin/retry-write/{root_job_id} and the
//     other admin endpoints are not offered.
//   - For the record, job-log and write-status calls the reference
//     documents only 400 answers; what an unknown id answers is not
//     documented. The Hydrator takes 404 and 410 as a deleted record.
//   - Only job types READ_LEAD_EVENTS and READ_RESIDENT_TRANSACTIONS are
//     documented; JobType is open.
//
// # Links
//
//   - Webhooks overview: https://docs.propexo.com/how-it-works/webhooks/webhooks-overview
//   - Signed payloads: https://docs.propexo.com/how-it-works/webhooks/signed-payloads
//   - Webhook details: https://docs.propexo.com/how-it-works/webhooks/webhook-details/data-new
//   - Sequencing and data hydration: https://docs.propexo.com/how-it-works/webhooks/sequencing-and-data-hydration
//   - Webhook configuration API: https://docs.propexo.com/api-reference/configuration-ap-is/webhooks-configuration/get-all-webhooks
//   - Retries: https://propexo-knowledge-base.help.usepylon.com/articles/8870887367-what-happens-to-webhooks-when-the-receiving-application-is-down
package propexo
