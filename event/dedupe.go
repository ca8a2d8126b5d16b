package event

import (
	"container/list"
	"context"
	"errors"
	"sync"
	"time"
)

// Deduper remembers which deliveries were handled, so that a provider's retry
// of a delivery that already succeeded does not run its handler again.
// NewHTTPHandler keys it by provider and Event.ID.
//
// A delivery counts as handled only after its handler succeeded: a delivery
// whose handler failed or panicked is forgotten (End with handled false) and
// runs again when the provider retries it.
//
// MemoryDeduper is the default. Several replicas behind a load balancer need a
// Deduper backed by a shared store (Redis SET NX with a TTL, a database row
// with a unique key); the durable inbox package goes further and stores the
// delivery itself. Implementations must be safe for concurrent use.
type Deduper interface {
	// Begin claims key for handling. It returns nil when the caller must
	// handle the delivery and then call End, ErrDuplicate when the delivery
	// was handled already, and ErrInFlight when another request is handling
	// it right now. Any other error means the store could not be asked.
	Begin(ctx context.Context, key string) error
	// End releases the claim that Begin gave: handled true records key as
	// done, false forgets it so that the next copy runs the handler.
	End(ctx context.Context, key string, handled bool) error
}

// Errors a Deduper returns from Begin.
var (
	// ErrDuplicate means the delivery was handled already.
	ErrDuplicate = errors.New("event: duplicate delivery")
	// ErrInFlight means the delivery is being handled by another request.
	ErrInFlight = errors.New("event: delivery in flight")
)

// Defaults of MemoryDeduper.
const (
	DefaultDedupeEntries = 10_000
	DefaultDedupeAge     = 24 * time.Hour
)

// MemoryDeduper is an in-process Deduper, bounded in entries and in age. It
// forgets the oldest handled keys first once it holds maxEntries, and any key
// handled longer than maxAge ago. Keys in flight are never evicted. It holds
// nothing across restarts and nothing across replicas.
//
// MemoryDeduper is safe for concurrent use.
type MemoryDeduper struct {
	maxEntries int
	maxAge     time.Duration
	now        func() time.Time

	mu      sync.Mutex
	entries map[string]*dedupeEntry
	done    *list.List // of *dedupeEntry, oldest first
}

type dedupeEntry struct {
	key      string
	inFlight bool
	at       time.Time
	elem     *list.Element
}

// NewMemoryDeduper returns a MemoryDeduper that remembers at most maxEntries
// handled keys for at most maxAge. Zero or negative values mean
// DefaultDedupeEntries and DefaultDedupeAge.
func NewMemoryDeduper(maxEntries int, maxAge time.Duration) *MemoryDeduper {
	if maxEntries <= 0 {
		maxEntries = DefaultDedupeEntries
	}
	if maxAge <= 0 {
		maxAge = DefaultDedupeAge
	}
	return &MemoryDeduper{
		maxEntries: maxEntries,
		maxAge:     maxAge,
		now:        time.Now,
		entries:    make(map[string]*dedupeEntry),
		done:       list.New(),
	}
}

// Begin implements Deduper.
func (d *MemoryDeduper) Begin(_ context.Context, key string) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	now := d.now()
	d.evict(now)
	if e, ok := d.entries[key]; ok {
		if e.inFlight {
			return ErrInFlight
		}
		return ErrDuplicate
	}
	d.entries[key] = &dedupeEntry{key: key, inFlight: true}
	return nil
}

// End implements Deduper.
func (d *MemoryDeduper) End(_ context.Context, key string, handled bool) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	e, ok := d.entries[key]
	if !ok || !e.inFlight {
		return nil
	}
	if !handled {
		delete(d.entries, key)
		return nil
	}
	now := d.now()
	e.inFlight = false
	e.at = now
	e.elem = d.done.PushBack(e)
	d.evict(now)
	return nil
}

// Len returns the number of keys held, handled or in flight.
func (d *MemoryDeduper) Len() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return len(d.entries)
}

// evict drops handled keys past the age limit or beyond the entry limit,
// oldest first. d.mu is held.
func (d *MemoryDeduper) evict(now time.Time) {
	for front := d.done.Front(); front != nil; front = d.done.Front() {
		e := front.Value.(*dedupeEntry)
		if d.done.Len() <= d.maxEntries && now.Sub(e.at) < d.maxAge {
			return
		}
		d.done.Remove(front)
		delete(d.entries, e.key)
	}
}
