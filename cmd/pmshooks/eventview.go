package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"time"

	"github.com/pmshooks/pmshooks/event"
)

// eventView is an event as inspect and listen -v print it: the normalized
// fields, then the provider's typed payload.
type eventView struct {
	Provider event.Provider `json:"provider"`
	Name     string         `json:"name"`
	Type     event.Type     `json:"type"`
	ID       string         `json:"id"`
	Account  string         `json:"account,omitempty"`
	Subject  *event.Subject `json:"subject,omitempty"`
	Time     time.Time      `json:"time,omitzero"`
	// Verified says whether the delivery's credentials were checked.
	Verified bool           `json:"verified"`
	Booking  *event.Booking `json:"booking,omitempty"`
	Message  *event.Message `json:"message,omitempty"`
	// PayloadType is the Go type of Payload, such as "*hostaway.Webhook".
	PayloadType string          `json:"payload_type"`
	Payload     json.RawMessage `json:"payload"`
}

func newEventView(e event.Event, verified bool) eventView {
	v := eventView{
		Provider:    e.Provider(),
		Name:        e.Name(),
		Type:        e.Type(),
		ID:          e.ID(),
		Account:     e.Account(),
		Time:        e.Time(),
		Verified:    verified,
		PayloadType: fmt.Sprintf("%T", e.Data()),
		Payload:     payloadJSON(e),
	}
	if s := e.Subject(); !s.IsZero() {
		v.Subject = &s
	}
	if b, ok := event.BookingOf(e); ok {
		v.Booking = &b
	}
	if m, ok := event.MessageOf(e); ok {
		v.Message = &m
	}
	return v
}

// writeEventJSON prints e as indented JSON.
func writeEventJSON(w io.Writer, e event.Event, verified bool) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(newEventView(e, verified))
}

// payloadJSON returns the typed payload as JSON without its copies of the
// body (fields called Raw): the body is what was inspected. When the payload
// does not marshal, it returns the body itself if that is JSON, else null.
func payloadJSON(e event.Event) json.RawMessage {
	b, err := json.Marshal(e.Data())
	if err == nil {
		var out bytes.Buffer
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.UseNumber()
		if copyWithoutRaw(dec, &out) == nil {
			return out.Bytes()
		}
		return b
	}
	if json.Valid(e.Raw()) {
		return e.Raw()
	}
	return json.RawMessage("null")
}

// copyWithoutRaw copies the next JSON value of dec to out, leaving out the
// members called "Raw" of every object: untagged []byte fields in which a
// payload type keeps the exact body, which JSON would show as base64. The
// built-in providers' Webhooks tag theirs json:"-"; a Receiver of another
// provider (eventtest's, a user's) may not.
func copyWithoutRaw(dec *json.Decoder, out *bytes.Buffer) error {
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	switch tok {
	case json.Delim('{'):
		out.WriteByte('{')
		first := true
		for dec.More() {
			kt, err := dec.Token()
			if err != nil {
				return err
			}
			key, _ := kt.(string)
			if key == "Raw" {
				var skip json.RawMessage
				if err := dec.Decode(&skip); err != nil {
					return err
				}
				continue
			}
			if !first {
				out.WriteByte(',')
			}
			first = false
			writeJSONScalar(out, key)
			out.WriteByte(':')
			if err := copyWithoutRaw(dec, out); err != nil {
				return err
			}
		}
		_, err = dec.Token() // '}'
		out.WriteByte('}')
		return err
	case json.Delim('['):
		out.WriteByte('[')
		for i := 0; dec.More(); i++ {
			if i > 0 {
				out.WriteByte(',')
			}
			if err := copyWithoutRaw(dec, out); err != nil {
				return err
			}
		}
		_, err = dec.Token() // ']'
		out.WriteByte(']')
		return err
	default:
		writeJSONScalar(out, tok)
		return nil
	}
}

func writeJSONScalar(out *bytes.Buffer, v any) {
	enc := json.NewEncoder(out)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)           // strings, json.Number, bools and nil always encode
	out.Truncate(out.Len() - 1) // Encode's newline
}
