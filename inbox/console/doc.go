// Package console is a web page over an inbox: an operator sees the
// deliveries arrive, searches them, reads each one (headers as stored, the
// body, the typed payload, the normalized Booking or Message, every attempt
// with its time, duration and error, the other deliveries of its subject in
// order), and retries, replays or purges them.
//
// New returns an http.Handler served from files embedded in the binary
// (server-rendered HTML, a stylesheet and a little JavaScript; no CDN, no
// build step). Mount it under any prefix, behind your own authentication:
//
//	h, err := console.New(ib, console.WithAuthorize(func(r *http.Request) bool {
//		u, ok := myauth.User(r.Context()) // your session or SSO middleware
//		return ok && u.IsAdmin
//	}))
//	mux.Handle("/admin/inbox/", myauth.Middleware(http.StripPrefix("/admin/inbox", h)))
//
// # Access
//
// New refuses to build a console without an access check: WithAuthorize, or
// InsecureLocalOnly for a tool on a developer's machine (pmshooks listen).
// Every request, pages, assets, live updates and actions alike, is answered
// 403 unless the check passes. The actions (retry a dead delivery, replay
// any finished one, purge done ones older than a duration) are POSTs that
// http.CrossOriginProtection refuses when the browser says they come from
// another origin, and each is logged (WithLogger). Stored headers hold no
// credential (see inbox.HeaderFilter); bodies hold guests' personal data,
// which is why the console insists on a check.
//
// # Live updates
//
// An open page listens to server-sent events and fetches its live part
// (the counts and the list, or the delivery's state and attempts) again
// when the inbox changed. The Handler notices changes by reading
// inbox.Watermark once per WithPollInterval (a second by default) while at
// least one page is open, whatever the number of pages; its own actions are
// pushed at once.
//
// # Cost
//
// The list reads one page (50 deliveries, without bodies) and Stats, which
// counts every stored delivery: on a large inbox, purge often. Filters
// other than state are not indexed. A delivery's page reads the
// deliveries of its subject, up to 100.
package console
