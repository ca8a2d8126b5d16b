package inbox

import (
	"encoding/json"
	"net/http"
)

// HeaderFilter reports whether the request header called name, in canonical
// form (http.CanonicalHeaderKey), is stored with a delivery. Stored headers
// are given back to the provider's event.Decoder when the delivery is
// processed, and shown by List. A HeaderFilter must be safe for concurrent
// use.
//
// Whatever the filter says, the inbox never stores the headers that carry
// credentials in HTTP itself (Authorization, Proxy-Authorization, Cookie) nor
// those the Receiver names as secret (event.SecretHeaderer).
type HeaderFilter func(name string) bool

// DefaultHeaderFilter is an allow-list: it stores only headers known to carry
// no secret and worth keeping with a delivery. Every other header is dropped,
// so a secret header the inbox was not told about (a token header set on a
// Channex or Propexo webhook, a Receiver wrapped in a way that hides its
// SecretHeaders) is never written to the database. It stores:
//
//   - Content-Type, Content-Encoding and User-Agent;
//   - X-Request-Id and X-Correlation-Id, which proxies and some senders add to
//     trace a request;
//   - the signature headers of the providers that sign (X-Content-Signature of
//     BookingSync, Propexo-Signature and its former name Propify-Signature): a
//     MAC of the body reveals nothing of the key and lets the delivery be
//     verified again.
//
// No provider pmshooks supports sends an event or delivery id in a header,
// and no provider's Decoder reads a header. AllowHeaders stores more.
func DefaultHeaderFilter(name string) bool {
	switch name {
	case "Content-Type", "Content-Encoding", "User-Agent",
		"X-Request-Id", "X-Correlation-Id",
		"X-Content-Signature", "Propexo-Signature", "Propify-Signature":
		return true
	}
	return false
}

// AllowHeaders returns a HeaderFilter that stores what DefaultHeaderFilter
// stores and the named headers (in any case), for a provider that sends an
// id or a hint in a header of its own:
//
//	inbox.WithHeaderFilter(inbox.AllowHeaders("X-Event-Hint"))
//
// Headers that carry credentials are still never stored (see HeaderFilter).
func AllowHeaders(names ...string) HeaderFilter {
	allow := make(map[string]bool, len(names))
	for _, n := range names {
		allow[http.CanonicalHeaderKey(n)] = true
	}
	return func(name string) bool { return allow[name] || DefaultHeaderFilter(name) }
}

// neverStored reports whether a header carries HTTP credentials, which no
// HeaderFilter can make the inbox store.
func neverStored(name string) bool {
	switch name {
	case "Authorization", "Proxy-Authorization", "Cookie":
		return true
	}
	return false
}

// storedHeaders is the filter HTTPHandler applies: f, less the headers that
// carry credentials and the secret headers a Receiver names.
func storedHeaders(f HeaderFilter, secret []string) HeaderFilter {
	drop := make(map[string]bool, len(secret))
	for _, n := range secret {
		drop[http.CanonicalHeaderKey(n)] = true
	}
	return func(name string) bool { return !neverStored(name) && !drop[name] && f(name) }
}

// encodeHeaders returns the headers of h that f keeps, as a JSON object.
func encodeHeaders(h http.Header, f HeaderFilter) (string, error) {
	kept := make(http.Header, len(h))
	for k, v := range h {
		ck := http.CanonicalHeaderKey(k)
		if f(ck) {
			kept[ck] = append(kept[ck], v...)
		}
	}
	b, err := json.Marshal(kept)
	return string(b), err
}

// decodeHeaders reverses encodeHeaders.
func decodeHeaders(s string) (http.Header, error) {
	h := http.Header{}
	if s == "" {
		return h, nil
	}
	if err := json.Unmarshal([]byte(s), &h); err != nil {
		return nil, err
	}
	return h, nil
}
