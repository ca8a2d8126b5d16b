package event

import (
	"context"
	"errors"
)

// Handler handles one normalized event.
//
// HandleEvent returns nil once the event is handled for good. Returning an
// error (or panicking) tells the provider to retry: NewHTTPHandler answers
// 500, and the same delivery runs again when the provider sends it again.
// Handlers must therefore be idempotent per Event.ID, and should hand slow
// work off quickly: some providers give up after a few seconds.
type Handler interface {
	HandleEvent(ctx context.Context, e Event) error
}

// HandlerFunc adapts an ordinary function to Handler.
type HandlerFunc func(ctx context.Context, e Event) error

// HandleEvent calls f(ctx, e).
func (f HandlerFunc) HandleEvent(ctx context.Context, e Event) error { return f(ctx, e) }

// ErrMalformed marks a delivery that is authentic but cannot be decoded.
// Receivers wrap their parse errors with it; NewHTTPHandler answers 400 for
// it. Every other error from Receive counts as an authentication failure.
var ErrMalformed = errors.New("event: malformed delivery")
