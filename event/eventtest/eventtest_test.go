package eventtest_test

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pmshooks/pmshooks/event"
	"github.com/pmshooks/pmshooks/event/eventtest"
	"github.com/pmshooks/pmshooks/verify"
)

func TestNew_fillsDefaults(t *testing.T) {
	t.Parallel()
	e := eventtest.New(event.Fields{Provider: "p", Type: event.BookingCreated, Booking: &event.Booking{ID: "b1"}})
	assert.Equal(t, "booking.created", e.Name())
	assert.Equal(t, []byte("{}"), e.Raw())
	assert.Equal(t, event.HashID([]byte("{}")), e.ID())
	assert.Equal(t, event.Subject{Kind: "booking", ID: "b1"}, e.Subject())

	m := eventtest.New(event.Fields{Message: &event.Message{ID: "m1"}})
	assert.Equal(t, event.TypeUnknown, m.Type())
	assert.Equal(t, event.Subject{Kind: "message", ID: "m1"}, m.Subject())

	kept := eventtest.New(event.Fields{Name: "n", ID: "i", Raw: []byte("r"), Subject: event.Subject{Kind: "k"}, Booking: &event.Booking{ID: "b"}})
	assert.Equal(t, "n", kept.Name())
	assert.Equal(t, "i", kept.ID())
	assert.Equal(t, event.Subject{Kind: "k"}, kept.Subject())
}

func TestRecorder(t *testing.T) {
	t.Parallel()
	r := &eventtest.Recorder{}
	var wg sync.WaitGroup
	for range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			require.NoError(t, r.HandleEvent(context.Background(), eventtest.New(event.Fields{})))
		}()
	}
	wg.Wait()
	assert.Equal(t, 20, r.Len())
	assert.Len(t, r.Events(), 20)
	r.Reset()
	assert.Zero(t, r.Len())

	want := errors.New("fail")
	r.Err = want
	require.ErrorIs(t, r.HandleEvent(context.Background(), eventtest.New(event.Fields{})), want)
}

func TestReceiver(t *testing.T) {
	t.Parallel()
	tok, err := verify.NewToken("X-T", "tok")
	require.NoError(t, err)
	r := &eventtest.Receiver{Verifier: tok}
	assert.Equal(t, event.Provider("test"), r.Provider())

	_, err = r.Receive(http.Header{}, []byte("b"))
	require.ErrorIs(t, err, verify.ErrUnauthorized)

	h := http.Header{}
	tok.Sign(h, nil)
	e, err := r.Receive(h, []byte("body"))
	require.NoError(t, err)
	assert.Equal(t, []byte("body"), e.Raw())
	assert.Equal(t, event.HashID([]byte("body")), e.ID())

	var _ event.Decoder = r
	_, err = (&eventtest.Receiver{}).Receive(h, nil)
	require.ErrorIs(t, err, verify.ErrUnauthorized, "no verifier fails closed")
}
