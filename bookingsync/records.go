package bookingsync

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/pmshooks/pmshooks/internal/api"
	"github.com/pmshooks/pmshooks/internal/jsonobj"
)

// API v3 answers every read, of one record or of a list, with the same
// envelope: {"links": {URL templates}, "<plural>": [records], "meta": {}}
// (https://developers.bookingsync.com/reference/#json). Lists are paged by
// page and per_page, with the Link header naming the next page.

// envelope is an API v3 answer: the records under the plural key of their
// kind and the meta object.
type envelope struct {
	records []json.RawMessage
	meta    struct {
		DeletedIDs []json.RawMessage `json:"deleted_ids"`
	}
}

// decodeEnvelope reads body, an answer whose records sit under key.
func decodeEnvelope(body []byte, key string) (*envelope, error) {
	env := &envelope{}
	var recs, meta []byte
	if !jsonobj.Members(body, func(k, v []byte) {
		switch string(jsonobj.Unquote(k)) {
		case key:
			recs = v
		case "meta":
			meta = v
		}
	}) {
		return nil, errors.New("the answer is not a JSON object")
	}
	if recs != nil && !jsonobj.IsNull(recs) {
		if jsonobj.Kind(recs) != '[' {
			return nil, fmt.Errorf("%q is not an array", key)
		}
		if err := json.Unmarshal(recs, &env.records); err != nil {
			return nil, fmt.Errorf("%q: %s", key, describe(err))
		}
	}
	if meta != nil && jsonobj.Kind(meta) == '{' {
		_ = json.Unmarshal(meta, &env.meta) // meta is an aid; a bad one is ignored
	}
	return env, nil
}

// decodeRecords decodes raw records into new T: leniently, as deliveries
// are, so that a nested part of the wrong JSON kind is left zero and the
// rest kept. Each record's Raw is its JSON as received.
func decodeRecords[T any, PT interface {
	*T
	recorder
}](raws []json.RawMessage) ([]*T, error) {
	out := make([]*T, 0, len(raws))
	for i, raw := range raws {
		if jsonobj.Kind(raw) != '{' {
			return nil, fmt.Errorf("record %d is not an object", i)
		}
		rec := PT(new(T))
		var typ *json.UnmarshalTypeError
		if err := json.Unmarshal(raw, rec); err != nil && !errors.As(err, &typ) {
			return nil, fmt.Errorf("record %d: %s", i, describe(err))
		}
		rec.record().Raw = raw
		out = append(out, (*T)(rec))
	}
	return out, nil
}

// getRecord calls GET path and returns the one record of kind key (the
// plural name, such as "bookings") it answers with.
func getRecord[T any, PT interface {
	*T
	recorder
}](ctx context.Context, c *Client, op, path, key string, query url.Values) (*T, *Response, error) {
	var body json.RawMessage
	raw, err := c.api.Do(ctx, api.Request{Method: http.MethodGet, Path: path, Query: query, Header: acceptHeader()}, &body)
	resp := raw.Response()
	if err != nil {
		return nil, resp, fmt.Errorf("bookingsync: %s: %w", op, err)
	}
	env, err := decodeEnvelope(body, key)
	if err != nil {
		return nil, resp, fmt.Errorf("bookingsync: %s: decode: %w", op, err)
	}
	if len(env.records) == 0 {
		return nil, resp, fmt.Errorf("bookingsync: %s: the answer holds no record", op)
	}
	recs, err := decodeRecords[T, PT](env.records[:1])
	if err != nil {
		return nil, resp, fmt.Errorf("bookingsync: %s: decode: %w", op, err)
	}
	return recs[0], resp, nil
}

// listRecords calls GET path with the page o selects and query, and returns
// the page of records under key and the envelope.
func listRecords[T any, PT interface {
	*T
	recorder
}](ctx context.Context, c *Client, op, path, key string, o ListOptions, query url.Values) (*Page[T], *envelope, *Response, error) {
	q := pageQuery(o)
	for k, vs := range query {
		q[k] = vs
	}
	var body json.RawMessage
	raw, err := c.api.Do(ctx, api.Request{Method: http.MethodGet, Path: path, Query: q, Header: acceptHeader()}, &body)
	resp := raw.Response()
	if err != nil {
		return nil, nil, resp, fmt.Errorf("bookingsync: %s: %w", op, err)
	}
	env, err := decodeEnvelope(body, key)
	if err != nil {
		return nil, nil, resp, fmt.Errorf("bookingsync: %s: decode: %w", op, err)
	}
	items, err := decodeRecords[T, PT](env.records)
	if err != nil {
		return nil, nil, resp, fmt.Errorf("bookingsync: %s: decode: %w", op, err)
	}
	page := &Page[T]{Items: items, Total: -1, NextPage: nextPage(resp.Header, max(o.Page, 1))}
	if n, err := strconv.Atoi(strings.TrimSpace(resp.Header.Get("X-Total-Count"))); err == nil && n >= 0 {
		page.Total = n
	}
	return page, env, resp, nil
}

// acceptHeader is the Accept BookingSync's own client sends.
func acceptHeader() http.Header { return http.Header{"Accept": {mediaType}} }

// pageQuery returns the page and per_page parameters for o; zero values are
// left out, so that BookingSync applies its defaults.
func pageQuery(o ListOptions) url.Values {
	q := url.Values{}
	if o.Page > 1 {
		q.Set("page", strconv.Itoa(o.Page))
	}
	if n := min(max(o.PerPage, 0), MaxPerPage); n > 0 {
		q.Set("per_page", strconv.Itoa(n))
	}
	return q
}

// nextPage returns the page number of the Link header's rel="next" URL, 0
// when there is none. A next link without a readable page number means the
// page after current. Without a Link header, X-Total-Pages decides.
func nextPage(h http.Header, current int) int {
	links := h.Values("Link")
	if len(links) == 0 {
		if n, err := strconv.Atoi(strings.TrimSpace(h.Get("X-Total-Pages"))); err == nil && current < n {
			return current + 1
		}
		return 0
	}
	for _, v := range links {
		for _, link := range strings.Split(v, ",") {
			target, params, ok := strings.Cut(link, ";")
			if !ok || !isNextRel(params) {
				continue
			}
			target = strings.Trim(strings.TrimSpace(target), "<>")
			if u, err := url.Parse(target); err == nil {
				if n, err := strconv.Atoi(u.Query().Get("page")); err == nil && n > current {
					return n
				}
			}
			return current + 1
		}
	}
	return 0
}

// isNextRel reports whether the parameters of one Link value hold
// rel="next" (or rel=next, or a rel list naming next).
func isNextRel(params string) bool {
	for _, p := range strings.Split(params, ";") {
		k, v, ok := strings.Cut(strings.TrimSpace(p), "=")
		if !ok || !strings.EqualFold(strings.TrimSpace(k), "rel") {
			continue
		}
		for _, r := range strings.Fields(strings.Trim(strings.TrimSpace(v), `"`)) {
			if strings.EqualFold(r, "next") {
				return true
			}
		}
	}
	return false
}

// formatTime writes t as API v3 times are written: UTC, "%Y-%m-%dT%H:%M:%SZ"
// (https://developers.bookingsync.com/reference/enums#formats).
func formatTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05Z") }

// SyncedAt returns the time of SyncedAtHeader in resp, the server's time of
// the request: the cursor to pass as the next UpdatedSince. BookingSync
// writes it as "2016-12-12 11:43:48 UTC"; RFC 3339 is read too. It returns
// false when resp is nil or the header is absent or unreadable.
func SyncedAt(resp *Response) (time.Time, bool) {
	if resp == nil {
		return time.Time{}, false
	}
	v := strings.TrimSpace(resp.Header.Get(SyncedAtHeader))
	for _, layout := range []string{"2006-01-02 15:04:05 MST", "2006-01-02 15:04:05 -0700", time.RFC3339} {
		if t, err := time.Parse(layout, v); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}

// recordPath returns base/id with id escaped; it fails for an empty id.
func recordPath(base, id string) (string, error) {
	if strings.TrimSpace(id) == "" {
		return "", errors.New("empty id")
	}
	return base + "/" + url.PathEscape(id), nil
}

// ids returns the text of raw ids (numbers or strings), skipping others.
func ids(raws []json.RawMessage) []string {
	out := make([]string, 0, len(raws))
	for _, r := range raws {
		var id string
		switch jsonobj.Kind(r) {
		case '"':
			id, _ = jsonobj.String(r)
		case '-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9':
			id = string(r)
		}
		if id != "" {
			out = append(out, id)
		}
	}
	return out
}
