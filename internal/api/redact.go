package api

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strings"
)

// redactedMark replaces every secret (a credential of the Authenticator or
// a Request.Redact value) in errors and logs.
const redactedMark = "REDACTED"

// redactor hides what must never reach an error or a log record about one
// request: the user information, query and fragment of every URL, always,
// and the request's secrets: its Request.Redact values and the credentials
// its Authenticator lists (SecretHolder). The zero redactor does the former
// only.
//
// It holds no copy of the values outside its Replacer, so that printing an
// error that carries it with %#v shows a pointer, not the secrets.
type redactor struct {
	// replacer replaces each secret, in every form secretForms lists, with
	// redactedMark; nil when there are none.
	replacer *strings.Replacer
}

// newRedactor returns the redactor of a request's secrets. Empty values are
// ignored; every other value is redacted, however short: a one-byte secret
// garbles the text it is replaced in, but never shows.
func newRedactor(values ...[]string) redactor {
	var forms []string
	for _, vs := range values {
		for _, v := range vs {
			if v == "" {
				continue
			}
			for _, f := range secretForms(v) {
				if !slices.Contains(forms, f) {
					forms = append(forms, f)
				}
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

// secretForms returns v and the forms in which a server may echo it: path-
// and query-escaped (a URL or form it quotes), and as a JSON string holds it
// (escaped as encoding/json does, without the HTML escapes other encoders
// leave out, and with "\/" for "/" as PHP's json_encode writes it), so that
// the raw body of an *Error is redacted too. A Basic credential's base64
// form is listed by the Authenticator itself.
func secretForms(v string) []string {
	forms := []string{v, url.PathEscape(v), url.QueryEscape(v)}
	if j, err := json.Marshal(v); err == nil {
		forms = append(forms, string(j[1:len(j)-1]))
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if enc.Encode(v) == nil {
		j := strings.TrimSpace(b.String())
		j = j[1 : len(j)-1]
		forms = append(forms, j, strings.ReplaceAll(j, "/", `\/`))
	}
	return forms
}

// replace replaces every secret in s.
func (r redactor) replace(s string) string {
	if r.replacer == nil {
		return s
	}
	return r.replacer.Replace(s)
}

// bytes returns b with every secret replaced: b itself when it holds none,
// else a new slice, so that b, which may be shared, is never modified.
func (r redactor) bytes(b []byte) []byte {
	if r.replacer == nil || b == nil {
		return b
	}
	if s := string(b); r.replace(s) != s {
		return []byte(r.replace(s))
	}
	return b
}

// header returns h with every secret in its values replaced: h itself when
// it holds none, else a copy, so that h, which may be shared, is never
// modified.
func (r redactor) header(h http.Header) http.Header {
	if r.replacer == nil || h == nil {
		return h
	}
	var out http.Header
	for k, vs := range h {
		for i, v := range vs {
			if red := r.replace(v); red != v {
				if out == nil {
					out = h.Clone()
				}
				out[k][i] = red
			}
		}
	}
	if out == nil {
		return h
	}
	return out
}

// redactError replaces every secret in e's Code, Message, DocURL, Details,
// Body and Header values, and wraps e.Err so that its text shows none. It
// copies what it changes, so that the body and headers of the response,
// which a provider may still read, are never modified.
func (r redactor) redactError(e *Error) {
	if r.replacer == nil {
		return
	}
	e.Code = r.replace(e.Code)
	e.Message = r.replace(e.Message)
	e.DocURL = r.replace(e.DocURL)
	e.Details = r.bytes(e.Details)
	e.Body = r.bytes(e.Body)
	e.Header = r.header(e.Header)
	e.Err = r.err(e.Err)
}

// url returns a copy of u fit for errors and logs: without user
// information, query and fragment, and with every secret in its host
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
// fragment, when its unescaped path holds a secret in an escaping
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

// err returns err, wrapped in a *redactedError when its text holds a
// secret. Unlike urlError it never modifies err, which may be shared: a
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

// redactedError shows the text of err with the secrets of a request
// replaced. Unwrap returns err, so errors.Is and errors.As see through it.
// The *Error and *DecodeError they find are redacted themselves (Client.Do
// redacts their fields); the text of another error they find may not be.
type redactedError struct {
	err error
	r   redactor
}

func (e *redactedError) Error() string { return e.r.text(e.err.Error()) }

func (e *redactedError) Unwrap() error { return e.err }
