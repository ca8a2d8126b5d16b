package event

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/pmshooks/pmshooks/internal/catalog"
)

// Mux routes events to handlers. The most specific registration wins: a
// handler for the provider's own event name (OnName), then one for the
// normalized type (On), then the default. An event with none of them is
// acknowledged and ignored: HandleEvent returns nil.
//
// On and OnName check each registration against what deliveries can carry,
// and panic on a type or name that no event will ever have, such as
// "booking.canceled" for "booking.cancelled": like a duplicate, such a typo
// would otherwise lose events silently. The known types are those of Types;
// the known names are those that the EventNames function of each built-in
// provider package (bookingsync, channex, hostaway, ownerrez, propexo)
// returns. WithTypes and WithEventNames declare more, for a Receiver of your
// own or for a name a provider sends that its package does not list yet.
//
// Mux is a Handler. Registering and handling are safe for concurrent use.
// The zero Mux is ready to use, with the checks and no declarations; NewMux
// returns one with declarations.
type Mux struct {
	mu     sync.RWMutex
	byType map[Type]Handler
	byName map[nameKey]Handler
	def    Handler

	// types and names are the declarations of WithTypes and
	// WithEventNames. Only NewMux writes them, before the Mux is shared.
	types map[Type]bool
	names map[Provider][]string
}

type nameKey struct {
	provider Provider
	name     string
}

// MuxOption declares a type or event name that a Mux made by NewMux accepts
// beyond the known ones.
type MuxOption func(*Mux)

// WithTypes declares normalized types of your own, so that On accepts them:
// the types that a Receiver of your own gives its events beyond those of
// Types. Declaring a known type changes nothing.
func WithTypes(types ...Type) MuxOption {
	types = slices.Clone(types)
	return func(m *Mux) {
		if m.types == nil {
			m.types = make(map[Type]bool)
		}
		for _, t := range types {
			m.types[t] = true
		}
	}
}

// WithEventNames declares event names of provider p, so that OnName accepts
// them: the names of a Receiver of your own, whose Provider is p, or a name
// that a built-in provider sends and its package's EventNames does not list
// yet. Names match exactly, as Event.Name returns them. Declaring a provider
// of your own with no names makes OnName name it in its panics without
// accepting any of its names.
func WithEventNames(p Provider, names ...string) MuxOption {
	names = slices.Clone(names)
	return func(m *Mux) {
		if m.names == nil {
			m.names = make(map[Provider][]string)
		}
		m.names[p] = append(m.names[p], names...)
	}
}

// NewMux returns an empty Mux that accepts, besides the known types and
// names, those that opts declare. Nil options are ignored; declarations add
// up.
func NewMux(opts ...MuxOption) *Mux {
	m := &Mux{}
	for _, o := range opts {
		if o != nil {
			o(m)
		}
	}
	return m
}

// On registers h for events of type t. Like http.ServeMux.Handle, it panics
// when h is nil or t already has a handler, and it panics when t is neither
// one of Types nor declared with WithTypes: all three are programming errors
// that would otherwise lose events silently.
func (m *Mux) On(t Type, h Handler) {
	if h == nil || isNilFunc(h) {
		panic(fmt.Sprintf("event: nil handler for type %q", t))
	}
	m.checkType(t)
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

// OnFunc registers f for events of type t, as On(t, HandlerFunc(f)) does,
// and panics as On does.
func (m *Mux) OnFunc(t Type, f func(ctx context.Context, e Event) error) {
	m.On(t, HandlerFunc(f))
}

// OnName registers h for the provider's own event name, such as
// ("bookingsync", "rental_updated"). It takes precedence over On. It panics
// when h is nil or the pair already has a handler, and when name is not one
// of the provider's known event names (the EventNames of its package) and
// not declared with WithEventNames.
func (m *Mux) OnName(p Provider, name string, h Handler) {
	if h == nil || isNilFunc(h) {
		panic(fmt.Sprintf("event: nil handler for %s event %q", p, name))
	}
	m.checkName(p, name)
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

// checkType panics when no event can have type t.
func (m *Mux) checkType(t Type) {
	if t.Known() || m.types[t] {
		return
	}
	known := make([]string, 0, len(allTypes)+len(m.types))
	for _, k := range allTypes {
		known = append(known, string(k))
	}
	for k := range m.types {
		known = append(known, string(k))
	}
	hint := closest(string(t), known)
	if hint == "" {
		for _, p := range catalog.Providers() {
			if catalog.Has(p, string(t)) {
				hint = fmt.Sprintf("%q is a %s event name: route it with OnName", t, p)
				break
			}
		}
	}
	if hint == "" {
		hint = samePrefix(string(t), known, "types")
	}
	panic(fmt.Sprintf("event: unknown type %q (%s); declare a type of your own with event.WithTypes",
		t, orKnown(hint, known)))
}

// checkName panics when no event of provider p can have name.
func (m *Mux) checkName(p Provider, name string) {
	if catalog.Has(string(p), name) || slices.Contains(m.names[p], name) {
		return
	}
	builtin, isBuiltin := catalog.Names(string(p))
	declared, isDeclared := m.names[p]
	if !isBuiltin && !isDeclared {
		known := catalog.Providers()
		for d := range m.names {
			known = append(known, string(d))
		}
		panic(fmt.Sprintf("event: unknown provider %q (%s); for a provider of your own, declare its event names with event.WithEventNames",
			p, orKnown(closest(string(p), known), known)))
	}
	known := append(builtin, declared...)
	hint := closest(name, known)
	if hint == "" && Type(name).Known() {
		hint = fmt.Sprintf("%q is a normalized type: route it with On", name)
	}
	if hint == "" {
		hint = samePrefix(name, known, "names")
	}
	panic(fmt.Sprintf("event: unknown %s event %q (%s); declare a name it sends beyond these with event.WithEventNames",
		p, name, orKnown(hint, known)))
}

// orKnown returns hint, or when it is empty the list of known names.
func orKnown(hint string, known []string) string {
	if hint != "" {
		return hint
	}
	if len(known) == 0 {
		return "none is known"
	}
	known = slices.Clone(known)
	slices.Sort(known)
	return "known: " + strings.Join(slices.Compact(known), ", ")
}

// samePrefix returns a hint listing the known strings (types or names, as
// noun says) that begin as s does, up to its first "." or "_" (such as
// "booking."), or "" when none does.
func samePrefix(s string, known []string, noun string) string {
	i := strings.IndexAny(s, "._")
	if i <= 0 {
		return ""
	}
	prefix := s[:i+1]
	var like []string
	for _, k := range known {
		if strings.HasPrefix(k, prefix) {
			like = append(like, k)
		}
	}
	if len(like) == 0 {
		return ""
	}
	slices.Sort(like)
	return fmt.Sprintf("known %s beginning %q: %s", noun, prefix, strings.Join(slices.Compact(like), ", "))
}

// closest returns a "did you mean" hint naming the known string nearest to
// s, or "" when none is near: one that differs only in case, or else one at
// most two edits away (and fewer than half of s, so that short strings do
// not match everything).
func closest(s string, known []string) string {
	best, bestDist := "", 3
	for _, k := range known {
		if strings.EqualFold(s, k) {
			best, bestDist = k, 0
			break
		}
		if d := editDistance(s, k); d < bestDist || d == bestDist && best != "" && k < best {
			best, bestDist = k, d
		}
	}
	if best == "" || 2*bestDist >= len(s) && bestDist > 0 {
		return ""
	}
	return fmt.Sprintf("did you mean %q?", best)
}

// editDistance is the Levenshtein distance between a and b, in bytes: the
// names compared are ASCII.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
