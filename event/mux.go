package event

import (
	"context"
	"fmt"
	"sync"
)

// Mux routes events to handlers. The most specific registration wins: a
// handler for the provider's own event name (OnName), then one for the
// normalized type (On), then the default. An event with none of them is
// acknowledged and ignored: HandleEvent returns nil.
//
// Mux is a Handler. Registering and handling are safe for concurrent use.
// The zero Mux is ready to use; NewMux returns one too.
type Mux struct {
	mu     sync.RWMutex
	byType map[Type]Handler
	byName map[nameKey]Handler
	def    Handler
}

type nameKey struct {
	provider Provider
	name     string
}

// NewMux returns an empty Mux.
func NewMux() *Mux { return &Mux{} }

// On registers h for events of type t. Like http.ServeMux.Handle, it panics
// when h is nil or t already has a handler: both are programming errors that
// would otherwise lose events silently.
func (m *Mux) On(t Type, h Handler) {
	if h == nil || isNilFunc(h) {
		panic(fmt.Sprintf("event: nil handler for type %q", t))
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, dup := m.byType[t]; dup {
		panic(fmt.Sprintf("event: multiple handlers for type %q", t))
	}
	if m.byType == nil {
		m.byType = make(map[Type]Handler)
	}
	m.byType[t] = h
}

// OnName registers h for the provider's own event name, such as
// ("bookingsync", "rental_updated"). It takes precedence over On. It panics
// when h is nil or the pair already has a handler.
func (m *Mux) OnName(p Provider, name string, h Handler) {
	if h == nil || isNilFunc(h) {
		panic(fmt.Sprintf("event: nil handler for %s event %q", p, name))
	}
	k := nameKey{p, name}
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, dup := m.byName[k]; dup {
		panic(fmt.Sprintf("event: multiple handlers for %s event %q", p, name))
	}
	if m.byName == nil {
		m.byName = make(map[nameKey]Handler)
	}
	m.byName[k] = h
}

// Default registers h for events that no other registration matches. It
// panics when h is nil or a default is already set.
func (m *Mux) Default(h Handler) {
	if h == nil || isNilFunc(h) {
		panic("event: nil default handler")
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.def != nil {
		panic("event: multiple default handlers")
	}
	m.def = h
}

// Handler returns the handler that e would be routed to, and false when there
// is none (HandleEvent then acknowledges e without doing anything).
func (m *Mux) Handler(e Event) (Handler, bool) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	if h, ok := m.byName[nameKey{e.Provider(), e.Name()}]; ok {
		return h, true
	}
	if h, ok := m.byType[e.Type()]; ok {
		return h, true
	}
	if m.def != nil {
		return m.def, true
	}
	return nil, false
}

// HandleEvent dispatches e to the most specific handler and returns its
// error. With no matching handler it returns nil.
func (m *Mux) HandleEvent(ctx context.Context, e Event) error {
	h, ok := m.Handler(e)
	if !ok {
		return nil
	}
	return h.HandleEvent(ctx, e)
}

func isNilFunc(h Handler) bool {
	f, ok := h.(HandlerFunc)
	return ok && f == nil
}
