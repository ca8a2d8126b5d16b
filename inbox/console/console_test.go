package console_test

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pmshooks/pmshooks/inbox"
	"github.com/pmshooks/pmshooks/inbox/console"
)

func TestNew_refusesWithoutAccessControl(t *testing.T) {
	t.Parallel()
	s := seed(t)
	_, err := console.New(s.ib)
	require.ErrorIs(t, err, console.ErrNoAccessControl)
	_, err = console.New(s.ib, console.WithAuthorize(nil))
	require.ErrorIs(t, err, console.ErrNoAccessControl, "a nil func is no check")
	_, err = console.New(nil, console.InsecureLocalOnly())
	require.Error(t, err)
}

// mount serves h under /ops/inbox/ as a user would.
func mount(t *testing.T, h http.Handler) *httptest.Server {
	t.Helper()
	mux := http.NewServeMux()
	mux.Handle("/ops/inbox/", http.StripPrefix("/ops/inbox", h))
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

func get(t *testing.T, c *http.Client, u string, header ...string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, u, nil)
	require.NoError(t, err)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := c.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// TestHandler_authorization: nothing of the console is reachable without
// passing the check, assets and the event stream included.
func TestHandler_authorization(t *testing.T) {
	t.Parallel()
	s := seed(t)
	h, err := console.New(s.ib, console.WithAuthorize(func(r *http.Request) bool {
		return r.Header.Get("X-Role") == "admin"
	}))
	require.NoError(t, err)
	srv := mount(t, h)
	dead := s.deliveryOf(t, "propexo", inbox.StateDead)
	for _, path := range []string{"/", "/d/" + strconv.FormatInt(dead.ID, 10), "/events", "/assets/console.js", "/assets/console.css", "/nope"} {
		code, body := get(t, srv.Client(), srv.URL+"/ops/inbox"+path)
		assert.Equal(t, http.StatusForbidden, code, path)
		assert.NotContains(t, body, dead.EventID, path)
		assert.NotContains(t, body, "propexo", path)
	}
	resp, err := srv.Client().PostForm(srv.URL+"/ops/inbox/d/"+strconv.FormatInt(dead.ID, 10)+"/retry", nil)
	require.NoError(t, err)
	_ = resp.Body.Close()
	assert.Equal(t, http.StatusForbidden, resp.StatusCode)
	d, err := s.ib.Get(t.Context(), dead.ID)
	require.NoError(t, err)
	assert.Equal(t, inbox.StateDead, d.State, "refused actions change nothing")

	code, body := get(t, srv.Client(), srv.URL+"/ops/inbox/", "X-Role", "admin")
	assert.Equal(t, http.StatusOK, code)
	assert.Contains(t, body, `href="d/`+strconv.FormatInt(dead.ID, 10)+`"`, "relative links keep the prefix")
	code, _ = get(t, srv.Client(), srv.URL+"/ops/inbox/assets/console.js", "X-Role", "admin")
	assert.Equal(t, http.StatusOK, code)
}

// TestInsecureLocalOnly serves loopback clients that name a loopback host,
// and no one else: not a DNS name rebound to 127.0.0.1.
func TestInsecureLocalOnly(t *testing.T) {
	t.Parallel()
	s := seed(t)
	h, err := console.New(s.ib, console.InsecureLocalOnly())
	require.NoError(t, err)
	for _, tc := range []struct {
		remote, host string
		want         int
	}{
		{"127.0.0.1:5000", "127.0.0.1:8080", http.StatusOK},
		{"127.0.0.1:5000", "localhost:8080", http.StatusOK},
		{"[::1]:5000", "[::1]:8080", http.StatusOK},
		{"192.0.2.7:5000", "127.0.0.1:8080", http.StatusForbidden},
		{"127.0.0.1:5000", "evil.example:8080", http.StatusForbidden},
		{"127.0.0.1:5000", "", http.StatusForbidden},
	} {
		req := httptest.NewRequest(http.MethodGet, "/", nil)
		req.RemoteAddr, req.Host = tc.remote, tc.host
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		assert.Equal(t, tc.want, rec.Code, "%s %s", tc.remote, tc.host)
	}
}

// TestHandler_pages: the list filters, the delivery page shows what was
// stored and decoded, the actions work, are logged, and are refused
// cross-origin.
func TestHandler_pages(t *testing.T) {
	t.Parallel()
	s := seed(t)
	var logs bytes.Buffer
	h, err := console.New(s.ib, console.WithAuthorize(func(*http.Request) bool { return true }),
		console.WithLogger(slog.New(slog.NewTextHandler(&logs, nil))))
	require.NoError(t, err)
	srv := mount(t, h)
	base := srv.URL + "/ops/inbox/"
	c := srv.Client()
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }

	code, body := get(t, c, base+"?provider=hostaway")
	require.Equal(t, http.StatusOK, code)
	assert.Contains(t, body, "reservation.created")
	assert.NotContains(t, body, "<td>propexo</td>")
	code, body = get(t, c, base+"?state=dead")
	require.Equal(t, http.StatusOK, code)
	assert.Contains(t, body, "<td>propexo</td>")
	assert.NotContains(t, body, "<td>hostaway</td>")
	code, body = get(t, c, base+"?state=bogus&from=yesterday")
	require.Equal(t, http.StatusOK, code)
	assert.Contains(t, body, `unknown state`)
	code, body = get(t, c, base+"?fragment=live")
	require.Equal(t, http.StatusOK, code)
	assert.NotContains(t, body, "<html", "the live part alone")
	assert.Contains(t, body, `id="counts"`)

	hb := s.deliveryOf(t, "hostaway", inbox.StateDone)
	code, body = get(t, c, base+"d/"+strconv.FormatInt(hb.ID, 10))
	require.Equal(t, http.StatusOK, code)
	for _, want := range []string{"Booking (normalized)", "Typed payload", "Attempts", "Deliveries of " + hb.Subject.String(), ">done<"} {
		assert.Contains(t, body, want)
	}
	code, _ = get(t, c, base+"d/99999")
	assert.Equal(t, http.StatusNotFound, code)

	dead := s.deliveryOf(t, "propexo", inbox.StateDead)
	retry := base + "d/" + strconv.FormatInt(dead.ID, 10) + "/retry"
	req, err := http.NewRequest(http.MethodPost, retry, nil)
	require.NoError(t, err)
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	resp, err := c.Do(req)
	require.NoError(t, err)
	_ = resp.Body.Close()
	assert.Equal(t, http.StatusForbidden, resp.StatusCode, "cross-site POST")
	req, err = http.NewRequest(http.MethodPost, retry, nil)
	require.NoError(t, err)
	req.Header.Set("Origin", "https://evil.example")
	resp, err = c.Do(req)
	require.NoError(t, err)
	_ = resp.Body.Close()
	assert.Equal(t, http.StatusForbidden, resp.StatusCode, "foreign Origin")

	s.heal()
	req, err = http.NewRequest(http.MethodPost, retry, nil)
	require.NoError(t, err)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	resp, err = c.Do(req)
	require.NoError(t, err)
	_ = resp.Body.Close()
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	loc, err := url.Parse(resp.Header.Get("Location"))
	require.NoError(t, err)
	assert.Equal(t, srv.URL+"/ops/inbox/d/"+strconv.FormatInt(dead.ID, 10)+"?flash=retried", resp.Request.URL.ResolveReference(loc).String())
	resp, err = c.Post(retry, "", nil)
	require.NoError(t, err)
	_ = resp.Body.Close()
	assert.Contains(t, []int{http.StatusConflict, http.StatusSeeOther}, resp.StatusCode)

	require.Eventually(t, func() bool {
		d, err := s.ib.Get(t.Context(), dead.ID)
		return err == nil && d.State == inbox.StateDone
	}, 10*time.Second, 20*time.Millisecond)
	resp, err = c.Post(base+"d/"+strconv.FormatInt(dead.ID, 10)+"/replay", "", nil)
	require.NoError(t, err)
	_ = resp.Body.Close()
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	resp, err = c.PostForm(base+"purge", url.Values{"older_than": {"0s"}})
	require.NoError(t, err)
	_ = resp.Body.Close()
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	assert.Equal(t, "./?flash=purged", resp.Header.Get("Location"))
	resp, err = c.PostForm(base+"purge", url.Values{"older_than": {"soon"}})
	require.NoError(t, err)
	_ = resp.Body.Close()
	assert.Equal(t, http.StatusBadRequest, resp.StatusCode)
	for _, want := range []string{"action=retry", "outcome=retried", "action=replay", "action=purge"} {
		assert.Contains(t, logs.String(), want)
	}
}

// TestHandler_events pushes a change to an open stream.
func TestHandler_events(t *testing.T) {
	t.Parallel()
	s := seed(t)
	h, err := console.New(s.ib, console.InsecureLocalOnly(), console.WithPollInterval(20*time.Millisecond))
	require.NoError(t, err)
	srv := mount(t, h)
	resp, err := srv.Client().Get(srv.URL + "/ops/inbox/events")
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, "text/event-stream", resp.Header.Get("Content-Type"))
	lines := make(chan string)
	go func() {
		sc := bufio.NewScanner(resp.Body)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	time.Sleep(100 * time.Millisecond) // a first watermark
	s.heal()
	require.NoError(t, s.ib.Retry(t.Context(), s.deliveryOf(t, "propexo", inbox.StateDead).ID))
	deadline := time.After(10 * time.Second)
	for {
		select {
		case l, ok := <-lines:
			require.True(t, ok, "stream ended")
			if strings.HasPrefix(l, "event: change") {
				return
			}
		case <-deadline:
			t.Fatal("no change event")
		}
	}
}

// TestHandler_eventsSince: a stream opened with the Watermark a page was
// rendered at reports at once a change made before it opened, and nothing
// when nothing changed.
func TestHandler_eventsSince(t *testing.T) {
	t.Parallel()
	s := seed(t)
	h, err := console.New(s.ib, console.InsecureLocalOnly(), console.WithPollInterval(time.Hour))
	require.NoError(t, err)
	srv := mount(t, h)
	wm, err := s.ib.Watermark(t.Context())
	require.NoError(t, err)
	page, err := srv.Client().Get(srv.URL + "/ops/inbox/")
	require.NoError(t, err)
	body, _ := io.ReadAll(page.Body)
	page.Body.Close()
	require.Contains(t, string(body), `data-watermark="`+wm.String()+`"`, "the page carries its Watermark")

	first := func(since string) string {
		t.Helper()
		ctx, cancel := context.WithTimeout(t.Context(), 300*time.Millisecond)
		defer cancel()
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL+"/ops/inbox/events?since="+url.QueryEscape(since), nil)
		require.NoError(t, err)
		resp, err := srv.Client().Do(req)
		require.NoError(t, err)
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body) // until the deadline ends the stream
		return string(b)
	}
	assert.NotContains(t, first(wm.String()), "event: change", "nothing changed since the page")
	s.heal()
	require.NoError(t, s.ib.Retry(t.Context(), s.deliveryOf(t, "propexo", inbox.StateDead).ID))
	assert.Contains(t, first(wm.String()), "event: change", "a change before the stream opened is reported at once")
}
