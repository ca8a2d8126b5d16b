package api

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"math/rand/v2"
	"net"
	"net/http"
	"time"
)

// CheckRetry decides, after each attempt, whether the request is sent again.
// req is the caller's request, the one a retry resends (its Method says
// whether resending is safe), even when the response came at the end of a
// redirect chain: resp.Request is then the last request of that chain,
// such as the GET that follows a 303, and must not be used to judge. resp
// is the response (nil on a transport error) and err the transport error
// (nil when a response arrived). Returning a non-nil error stops the
// retries and makes Client.Do return that error. A CheckRetry must not read
// or close resp.Body. It must be safe for concurrent use.
//
// The client applies Config.RetryAfterMax and Config.RetryMax on top of any
// CheckRetry, so a policy need not handle either. It also never consults
// the CheckRetry, and never retries, once a request with a method that is
// not idempotent (POST, PATCH) was answered with a redirect: the server
// received it, so whatever follows (a 503 or 429 on the redirected GET, a
// transport error, a refused redirect) is returned to the caller. This
// holds for 307 and 308 too, where net/http sends the body again to the
// new location itself: only the original request is ever resent by a
// retry, and it is not.
type CheckRetry func(ctx context.Context, req *http.Request, resp *http.Response, err error) (bool, error)

// Backoff returns how long to wait before retry number attempt (0 for the
// first retry), between minWait and maxWait (Config.RetryWaitMin and
// Config.RetryWaitMax). It is consulted only when the response
// carries no usable Retry-After header; the client honours that header
// itself. It must be safe for concurrent use.
type Backoff func(minWait, maxWait time.Duration, attempt int, resp *http.Response) time.Duration

// DefaultRetryPolicy is the CheckRetry used when Config.CheckRetry is nil.
// It never resends a request that may have taken effect:
//
//   - It stops at once, returning ctx.Err(), when ctx is done.
//   - Idempotent methods (GET, HEAD, PUT, DELETE, OPTIONS, TRACE) are retried
//     on transport errors, on 429 and on 5xx except 501 Not Implemented.
//   - Other methods, POST and PATCH included, are retried only on 429 (the
//     server refused the request explicitly) and when the connection could
//     not be established (a dial error), because then the request never
//     reached the server. A 5xx, a reset or a timeout after the connection
//     was made may come after the server acted, so they are not retried.
//   - A POST or PATCH that was redirected is never retried, whatever the
//     redirected request got (the client enforces this for any CheckRetry;
//     see there), and req is always the caller's request, not the GET a
//     303 turned it into.
//   - Errors that cannot heal are never retried: an untrusted TLS
//     certificate, a redirect off the base URL's origin (ErrForeignURL) or
//     too many redirects (ErrTooManyRedirects).
//
// Errors are told apart by type (errors.As, errors.Is), never by message
// text.
func DefaultRetryPolicy(ctx context.Context, req *http.Request, resp *http.Response, err error) (bool, error) {
	if ctxErr := ctx.Err(); ctxErr != nil {
		return false, ctxErr
	}
	if err != nil {
		if permanentTransportError(err) {
			return false, nil
		}
		if idempotent(req.Method) {
			return true, nil
		}
		return dialFailed(err), nil
	}
	if resp == nil {
		return false, nil
	}
	if resp.StatusCode == http.StatusTooManyRequests {
		return true, nil
	}
	if resp.StatusCode >= 500 && resp.StatusCode != http.StatusNotImplemented && resp.StatusCode <= 599 {
		return idempotent(req.Method), nil
	}
	return false, nil
}

// DefaultBackoff is the Backoff used when Config.Backoff is nil: jittered
// exponential backoff. The wait for retry n is drawn uniformly from
// [minWait, minWait·2^(n+1)], the upper bound capped at maxWait, so clients
// that failed together do not retry together.
func DefaultBackoff(minWait, maxWait time.Duration, attempt int, _ *http.Response) time.Duration {
	minWait = max(minWait, 0)
	maxWait = max(maxWait, minWait)
	// Double minWait attempt+1 times, saturating at maxWait (never
	// overflowing).
	ceiling := minWait
	for i := 0; i <= attempt && ceiling > 0 && ceiling < maxWait; i++ {
		if ceiling > maxWait/2 {
			ceiling = maxWait
		} else {
			ceiling *= 2
		}
	}
	if ceiling <= minWait {
		return minWait
	}
	return minWait + rand.N(ceiling-minWait+1)
}

// idempotent reports whether a request with this method can be sent twice
// with the same effect as once (RFC 9110, section 9.2.2).
func idempotent(method string) bool {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodPut, http.MethodDelete,
		http.MethodOptions, http.MethodTrace:
		return true
	}
	return false
}

// dialFailed reports whether err says the connection could not be
// established, so the request cannot have reached the server.
func dialFailed(err error) bool {
	var opErr *net.OpError
	return errors.As(err, &opErr) && opErr.Op == "dial"
}

// permanentTransportError reports whether resending cannot help: the server's
// certificate is not trusted, or a redirect was refused.
func permanentTransportError(err error) bool {
	if errors.Is(err, ErrForeignURL) || errors.Is(err, ErrTooManyRedirects) {
		return true
	}
	var (
		verifyErr   *tls.CertificateVerificationError
		unknownAuth x509.UnknownAuthorityError
		hostErr     x509.HostnameError
		invalidErr  x509.CertificateInvalidError
	)
	return errors.As(err, &verifyErr) || errors.As(err, &unknownAuth) ||
		errors.As(err, &hostErr) || errors.As(err, &invalidErr)
}

// retryAfterStatus reports whether the status is one on which Retry-After
// is honoured.
func retryAfterStatus(resp *http.Response) bool {
	return resp != nil &&
		(resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusServiceUnavailable)
}
