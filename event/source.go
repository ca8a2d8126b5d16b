package event

import (
	"context"
	"net/http"
	"time"
)

// Origin says how an event reached the receiver: pushed by the provider as
// a webhook, or found by polling the provider's API (a Source).
type Origin string

// The origins of an event.
const (
	// OriginWebhook is a delivery the provider sent.
	OriginWebhook Origin = "webhook"
	// OriginPoll is a change a Source found through the provider's API,
	// typically one whose webhook never came.
	OriginPoll Origin = "poll"
)

// OriginOf returns how e reached the receiver: what its Origin method
// says (following Unwrap), and OriginWebhook for an event without one.
func OriginOf(e Event) Origin {
	for range maxUnwrap {
		if e == nil {
			break
		}
		if o, ok := e.(interface{ Origin() Origin }); ok {
			if v := o.Origin(); v != "" {
				return v
			}
		}
		u, ok := e.(interface{ Unwrap() Event })
		if !ok {
			break
		}
		e = u.Unwrap()
	}
	return OriginWebhook
}

// VersionOf returns the version of the record e carries, as its Version
// method says (following Unwrap): an opaque text that changes whenever
// the record changes, such as its update time or a revision id; "" when e
// carries no record or the provider gives no version.
//
// A webhook and a poll that report the same change of the same record
// carry the same version, so that an inbox stores the change once,
// whichever comes first (see inbox.WithReconciler). A provider package
// gives the same version to both, through the same code.
func VersionOf(e Event) string {
	for range maxUnwrap {
		if e == nil {
			break
		}
		if v, ok := e.(interface{ Version() string }); ok {
			if s := v.Version(); s != "" {
				return s
			}
		}
		u, ok := e.(interface{ Unwrap() Event })
		if !ok {
			break
		}
		e = u.Unwrap()
	}
	return ""
}

// A Source lists, through a provider's API, the changes of one account
// since a checkpoint, for reconciliation: webhooks get lost upstream where
// no receiver can see it, and a Source finds the changes they would have
// reported. Each provider package with a client offers one (NewSource);
// inbox.WithReconciler polls them and stores what they find as deliveries.
//
// A Source is also the Decoder of the changes it returns: Decode rebuilds
// the event of a Change from its Header and Body, without any request, with
// OriginOf reporting OriginPoll, VersionOf the record's version, and
// RecordOf the record as it was listed.
//
// Implementations are safe for concurrent use.
type Source interface {
	Decoder

	// Provider is the provider the changes come from.
	Provider() Provider

	// Name identifies the source among all others of the program, stably
	// across restarts: the provider, what it lists and the account, such
	// as "ownerrez/bookings/347482730". Checkpoints are stored under it.
	Name() string

	// Changes returns the next page of changes after cursor, oldest first,
	// and the checkpoint that follows them. A failure returns an error and
	// no page; a refusal for the provider's rate limit an error wrapping a
	// *RateLimitError.
	Changes(ctx context.Context, cursor Cursor) (*ChangePage, error)
}

// Cursor is where a Source resumes.
type Cursor struct {
	// Checkpoint is the ChangePage.Checkpoint of the last page stored; ""
	// the first time.
	Checkpoint string
	// Since is where to start when Checkpoint is "": changes made after it.
	Since time.Time
}

// ChangePage is one page of changes.
type ChangePage struct {
	// Changes lists the changes of the page, oldest first.
	Changes []Change
	// Checkpoint is what the next call resumes from, once every change of
	// the page is stored. A Source may return the checkpoint it was given
	// when nothing changed.
	Checkpoint string
	// More reports that another page is ready at once.
	More bool
}

// Change is one change a Source found, in the form it is stored: Decode of
// the same Source turns Header and Body into its event.
type Change struct {
	// ID is the change's event id, unique per provider among polled
	// changes, such as "poll:booking:123:2026-12-06T10:00:00Z". It keys
	// deduplication of the change among polls; VersionOf the decoded event
	// keys it against the webhook of the same change.
	ID string
	// Header is passed to Decode; nil for none.
	Header http.Header
	// Body is the change as the Source encodes it, typically the record as
	// the API returned it.
	Body []byte
}

// Acker is implemented by a Source whose provider wants to be told which
// changes were received (Channex's booking revisions are acknowledged, or
// Channex keeps reporting them as not acknowledged). The inbox calls Ack
// with a page only after every change of it is stored.
type Acker interface {
	Ack(ctx context.Context, page *ChangePage) error
}
