package console

import (
	"context"
	"net/http"
	"sync"
	"time"

	"github.com/pmshooks/pmshooks/inbox"
)

// heartbeat is how often an idle event stream gets a comment, so that
// proxies do not close it.
const heartbeat = 15 * time.Second

// hub polls the inbox's Watermark while pages are open and tells each of
// them when it changed. One poll serves every page.
type hub struct {
	ib   *inbox.Inbox
	poll time.Duration

	mu      sync.Mutex
	subs    map[chan struct{}]struct{}
	polling bool
}

func newHub(ib *inbox.Inbox, poll time.Duration) *hub {
	return &hub{ib: ib, poll: poll, subs: map[chan struct{}]struct{}{}}
}

// subscribe returns a channel that receives a value after each change, and
// the function that ends the subscription.
func (h *hub) subscribe() (<-chan struct{}, func()) {
	ch := make(chan struct{}, 1)
	h.mu.Lock()
	h.subs[ch] = struct{}{}
	if !h.polling {
		h.polling = true
		// The baseline is read before the stream opens, and events
		// compares the page's own Watermark with the current one: a change
		// made before the baseline is reported at once, one made after it
		// by the next poll. A baseline read at the first tick would miss
		// a change made in between.
		ctx, cancel := context.WithTimeout(context.Background(), h.poll+5*time.Second)
		last, err := h.ib.Watermark(ctx)
		cancel()
		go h.run(last, err == nil)
	}
	h.mu.Unlock()
	return ch, func() {
		h.mu.Lock()
		delete(h.subs, ch)
		h.mu.Unlock()
	}
}

// bump tells every page that something changed.
func (h *hub) bump() {
	h.mu.Lock()
	defer h.mu.Unlock()
	for ch := range h.subs {
		select {
		case ch <- struct{}{}:
		default:
		}
	}
}

// run polls until no page is open, from the baseline last (when known).
func (h *hub) run(last inbox.Watermark, known bool) {
	t := time.NewTicker(h.poll)
	defer t.Stop()
	for range t.C {
		h.mu.Lock()
		if len(h.subs) == 0 {
			h.polling = false
			h.mu.Unlock()
			return
		}
		h.mu.Unlock()
		ctx, cancel := context.WithTimeout(context.Background(), h.poll+5*time.Second)
		w, err := h.ib.Watermark(ctx)
		cancel()
		if err != nil {
			continue // the next poll tries again
		}
		if known && w != last {
			h.bump()
		}
		last, known = w, true
	}
}

// events streams "change" events (server-sent events) to a page until it
// closes: the page then fetches its live part again.
func (h *Handler) events(w http.ResponseWriter, r *http.Request) {
	rc := http.NewResponseController(w)
	_ = rc.SetWriteDeadline(time.Time{}) // a stream outlives a server's WriteTimeout
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-store")
	ch, cancel := h.hub.subscribe()
	defer cancel()
	first := "retry: 2000\n\n"
	// A change made after the page read its Watermark, and before this
	// subscription, raised no event: report it now.
	if since := r.URL.Query().Get("since"); since != "" {
		if cur, err := h.ib.Watermark(r.Context()); err == nil && cur.String() != since {
			first += "event: change\ndata: {}\n\n"
		}
	}
	if _, err := w.Write([]byte(first)); err != nil {
		return
	}
	if rc.Flush() != nil {
		return
	}
	beat := time.NewTicker(heartbeat)
	defer beat.Stop()
	for {
		var msg string
		select {
		case <-r.Context().Done():
			return
		case <-ch:
			msg = "event: change\ndata: {}\n\n"
		case <-beat.C:
			msg = ": still here\n\n"
		}
		if _, err := w.Write([]byte(msg)); err != nil {
			return
		}
		if rc.Flush() != nil {
			return
		}
	}
}
