package api

import (
	"cmp"
	"errors"
	"net/url"
	"slices"
	"strings"
)

// redactedMark replaces every Request.Redact value in errors and logs.
const redactedMark = "REDACTED"

// redactor hides what must never reach an error or a log record about one
// request: the user information, query and fragment of every URL, always,
// and the request's Request.Redact values. The zero redactor does the
// former only.
//
// It holds no copy of the values outside its Replacer, so that printing an
// error that carries it with %#v shows a pointer, not the secrets.
type redactor struct {
	// replacer replaces each Redact value, as given and path- or
	// query-escaped, with redactedMark; nil when there are none.
	replacer *strings.Replacer
}

// newRedactor returns the redactor of a request's Redact values. Empty
// values are ignored.
func newRedactor(values []string) redactor {
	var forms []string
	for _, v := range values {
		if v == "" {
			continue
		}
		for _, f := range []string{v, url.PathEscape(v), url.QueryEscape(v)} {
			if !slices.Contains(forms, f) {
				forms = append(forms, f)
			}
		}
	}
	if len(forms) == 0 {
		return redactor{}
	}
	// strings.Replacer prefers the earlier of two matches at one position:
	// longest first, so that a value holding another is replaced whole.
	slices.SortStableFunc(forms, func(a, b string) int { return cmp.Compare(len(b), len(a)) })
	pairs := make([]string, 0, 2*len(forms))
	for _, f := range forms {
		pairs = append(pairs, f, redactedMark)
	}
	return redactor{replacer: strings.NewReplacer(pairs...)}
}

// replace replaces every Redact value in s.
func (r redactor) replace(s string) string {
	if r.replacer == nil {
		return s
	}
	return r.replacer.Replace(s)
}

// url returns a copy of u fit for errors and logs: without user
// information, query and fragment, and with every Redact value in its host
// and path replaced. The path is matched unescaped, so a value is found
// however the caller escaped it.
func (r redactor) url(u *url.URL) *url.URL {
	cp := *u
	cp.User = nil
	cp.RawQuery, cp.ForceQuery = "", false
	cp.Fragment, cp.RawFragment = "", ""
	if r.replacer != nil {
		cp.Host = r.replace(cp.Host)
		cp.Opaque = r.replace(cp.Opaque)
		cp.Path = r.replace(cp.Path)
		// A RawPath that no longer encodes Path is ignored by
		// URL.EscapedPath, which then escapes the redacted Path.
		cp.RawPath = r.replace(cp.RawPath)
	}
	return &cp
}

// urlString returns r.url(u) as a string.
func (r redactor) urlString(u *url.URL) string { return r.url(u).String() }

// text cuts the query and fragment off every URL ("scheme://...") in s,
// redacts the paths of those URLs as url does, and replaces every Redact
// value left anywhere in s. A URL ends at white space, a quote or an angle
// bracket.
func (r redactor) text(s string) string {
	if strings.Contains(s, "://") {
		var b strings.Builder
		for {
			i := strings.Index(s, "://")
			if i < 0 {
				b.WriteString(s)
				break
			}
			rest := s[i:]
			end := strings.IndexAny(rest, " \t\r\n\"'`<>")
			if end < 0 {
				end = len(rest)
			}
			tok := rest[:end] // "://host/path?query"
			if q := strings.IndexAny(tok, "?#"); q >= 0 {
				tok = tok[:q]
			}
			b.WriteString(s[:i])
			b.WriteString(r.urlToken(tok))
			s = rest[end:]
		}
		s = b.String()
	}
	return r.replace(s)
}

// urlToken redacts tok, the "://host/path" part of a URL without query or
// fragment, when its unescaped path holds a Redact value in an escaping
// replace would not recognize.
func (r redactor) urlToken(tok string) string {
	if r.replacer == nil {
		return tok
	}
	const scheme = "http" // any scheme will do: it is cut off again
	u, err := url.Parse(scheme + tok)
	if err != nil || r.replace(u.Path) == u.Path {
		return tok
	}
	return strings.TrimPrefix(r.urlString(u), scheme)
}

// urlError redacts, in place, the URL of the first *url.Error in err's
// chain, as net/http reports the full request URL there. It returns err.
// Call it only on an error the caller owns, fresh from net/http.
func (r redactor) urlError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		if u, perr := url.Parse(ue.URL); perr == nil {
			ue.URL = r.urlString(u)
		} else {
			ue.URL = ""
		}
	}
	return err
}

// err returns err, wrapped in a *redactedError when its text holds a Redact
// value. Unlike urlError it never modifies err, which may be shared: a
// ClientCredentials fetch error reaches every caller that waited on it.
func (r redactor) err(err error) error {
	if err == nil || r.replacer == nil {
		return err
	}
	if s := err.Error(); r.replace(s) != s {
		return &redactedError{err: err, r: r}
	}
	return err
}

// redactedError shows the text of err with the Redact values of a request
// replaced. Unwrap returns err, so errors.Is and errors.As see through it;
// the text of what they find is not redacted.
type redactedError struct {
	err error
	r   redactor
}

func (e *redactedError) Error() string { return e.r.text(e.err.Error()) }

func (e *redactedError) Unwrap() error { return e.err }
