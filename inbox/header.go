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
type HeaderFilter func(name string) bool

// DefaultHeaderFilter stores every header except those that carry
// credentials (Authorization, Proxy-Authorization, Cookie) and the hop-by-hop
// and framing headers that describe one HTTP connection rather than the
// delivery. Signature headers are kept: a MAC of the body is no secret.
//
// A secret sent in a header of its own, such as the token header configured
// on a Channex webhook, is dropped when the Receiver names it (a
// SecretHeaders method, see event.Receiver; channex.Receiver has one);
// DropHeaders drops others.
func DefaultHeaderFilter(name string) bool {
	switch name {
	case "Authorization", "Proxy-Authorization", "Cookie",
		"Connection", "Keep-Alive", "Proxy-Connection", "Te", "Trailer",
		"Transfer-Encoding", "Upgrade", "Content-Length":
		return false
	}
	return true
}

// DropHeaders returns a HeaderFilter that stores what DefaultHeaderFilter
// stores, except the named headers (in any case):
//
//	inbox.WithHeaderFilter(inbox.DropHeaders("X-Channex-Token"))
func DropHeaders(names ...string) HeaderFilter {
	drop := make(map[string]bool, len(names))
	for _, n := range names {
		drop[http.CanonicalHeaderKey(n)] = true
	}
	return func(name string) bool { return !drop[name] && DefaultHeaderFilter(name) }
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
