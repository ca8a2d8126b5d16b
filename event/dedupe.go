package event

import (
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
// Begin and End allocate nothing but the map's own growth: a key is one map
// entry of a boolean, and the handled keys wait for eviction in a ring of at
// most maxEntries slots, oldest first, instead of a linked list of entries.
//
// MemoryDeduper is safe for concurrent use.
type MemoryDeduper struct {
	maxEntries int
	maxAge     time.Duration
	now        func() time.Time

	mu sync.Mutex
	// inFlight maps every key held to whether it is in flight (true) or
	// handled (false).
	inFlight map[string]bool
	// done holds the handled keys in the order they were handled: a ring
	// of done.n entries from done.head, growing up to maxEntries slots.
	done dedupeRing
}

// dedupeRing is a first-in first-out ring of handled keys.
type dedupeRing struct {
	slots []doneKey
	head  int // index of the oldest entry
	n     int // number of entries
}

type doneKey struct {
	key string
	at  time.Time
}

func (r *dedupeRing) oldest() doneKey { return r.slots[r.head] }

func (r *dedupeRing) pop() {
	r.slots[r.head] = doneKey{} // let the key be collected
	r.head = (r.head + 1) % len(r.slots)
	r.n--
}

// push appends k; the ring has room (n < max) or grows to up to max slots.
func (r *dedupeRing) push(k doneKey, maxSlots int) {
	if r.n == len(r.slots) {
		grown := make([]doneKey, min(max(2*len(r.slots), 16), maxSlots))
		for i := range r.n {
			grown[i] = r.slots[(r.head+i)%len(r.slots)]
		}
		r.slots, r.head = grown, 0
	}
	r.slots[(r.head+r.n)%len(r.slots)] = k
	r.n++
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
		inFlight:   make(map[string]bool),
	}
}

// Begin implements Deduper.
func (d *MemoryDeduper) Begin(_ context.Context, key string) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	now := d.now() // under the lock, so that the ring stays in time order
	d.evict(now, d.maxEntries)
	if inFlight, ok := d.inFlight[key]; ok {
		if inFlight {
			return ErrInFlight
		}
		return ErrDuplicate
	}
	d.inFlight[key] = true
	return nil
}

// End implements Deduper.
func (d *MemoryDeduper) End(_ context.Context, key string, handled bool) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	now := d.now() // under the lock, so that the ring stays in time order
	if inFlight, ok := d.inFlight[key]; !ok || !inFlight {
		return nil
	}
	if !handled {
		delete(d.inFlight, key)
		return nil
	}
	// Make room first, so that the ring never holds more than maxEntries.
	d.evict(now, d.maxEntries-1)
	d.inFlight[key] = false
	d.done.push(doneKey{key: key, at: now}, d.maxEntries)
	return nil
}

// Len returns the number of keys held, handled or in flight.
func (d *MemoryDeduper) Len() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return len(d.inFlight)
}

// evict drops handled keys past the age limit or beyond keep entries,
// oldest first. d.mu is held.
func (d *MemoryDeduper) evict(now time.Time, keep int) {
	for d.done.n > 0 {
		oldest := d.done.oldest()
		if d.done.n <= keep && now.Sub(oldest.at) < d.maxAge {
			return
		}
		d.done.pop()
		delete(d.inFlight, oldest.key)
	}
}
