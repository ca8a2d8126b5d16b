package console_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pmshooks/pmshooks/inbox"
	"github.com/pmshooks/pmshooks/inbox/console"
)

// chromium returns the browser the browser tests drive: PMSHOOKS_TEST_CHROMIUM,
// else chromium on PATH. Without one the tests skip, except in CI
// (CI=true), where they fail.
func chromium(t *testing.T) string {
	t.Helper()
	bin := os.Getenv("PMSHOOKS_TEST_CHROMIUM")
	if bin == "" {
		for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
			if p, err := exec.LookPath(name); err == nil {
				bin = p
				break
			}
		}
	}
	if bin == "" {
		msg := "no Chromium: install it (sudo bash .ci/chromium.sh) or set PMSHOOKS_TEST_CHROMIUM to a Chromium or Chrome binary, then run go test ./inbox/console/ -run Browser"
		if os.Getenv("CI") == "true" {
			t.Fatal("browser tests must run in CI: " + msg)
		}
		t.Skip(msg)
	}
	return bin
}

// browser starts a fresh headless Chromium for the test and returns a
// context that drives a tab of it.
func browser(t *testing.T) context.Context {
	t.Helper()
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromium(t)),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1400, 900),
	}
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancel)
	ctx, cancelTab := chromedp.NewContext(actx)
	t.Cleanup(cancelTab)
	ctx, cancelTime := context.WithTimeout(ctx, 4*time.Minute) // generous: CI runs it beside every other package under -race
	t.Cleanup(cancelTime)
	require.NoError(t, chromedp.Do(ctx), "start Chromium")
	return ctx
}

// TestBrowser_console drives the console in Chromium: the list over a
// seeded inbox, a filter by provider, a delivery's page, a retry of a dead
// delivery whose state then changes live (no reload), a cross-site POST
// refused, and a browser that fails the authorization check seeing nothing.
func TestBrowser_console(t *testing.T) {
	start := time.Now()
	ctx := browser(t)
	s := seed(t)
	h, err := console.New(s.ib, console.WithAuthorize(func(r *http.Request) bool {
		c, err := r.Cookie("pmshooks_test_session")
		return err == nil && c.Value == "admin"
	}), console.WithPollInterval(100*time.Millisecond))
	require.NoError(t, err)

	// The application: its own login, and the console under /ops/inbox/.
	mux := http.NewServeMux()
	mux.HandleFunc("GET /login", func(w http.ResponseWriter, r *http.Request) {
		http.SetCookie(w, &http.Cookie{Name: "pmshooks_test_session", Value: "admin", Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode})
		http.Redirect(w, r, "/ops/inbox/", http.StatusSeeOther)
	})
	mux.Handle("/ops/inbox/", http.StripPrefix("/ops/inbox", h))
	app := httptest.NewServer(mux)
	t.Cleanup(app.Close)

	dead := s.deliveryOf(t, "propexo", inbox.StateDead)
	deadID := strconv.FormatInt(dead.ID, 10)
	// text reads the text of sel in one evaluation: the live part of a
	// page is replaced whenever it refreshes (also when its event stream
	// opens), and a node found by one call may be gone by the next.
	text := func(ctx context.Context, sel string) string {
		t.Helper()
		require.NoError(t, chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS(sel))), sel)
		q, err := json.Marshal(sel)
		require.NoError(t, err)
		s, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(document.querySelector(`+string(q)+`) || {innerText: ""}).innerText`))
		require.NoError(t, err, sel)
		return s
	}

	// Logged out: nothing.
	require.NoError(t, chromedp.Do(ctx, chromedp.Navigate(app.URL+"/ops/inbox/")))
	assert.Equal(t, "Forbidden", strings.TrimSpace(text(ctx, "body")))

	// Log in, list, filter by provider.
	require.NoError(t, chromedp.Do(ctx,
		chromedp.Navigate(app.URL+"/login"),
		chromedp.WaitVisible(chromedp.CSS("#deliveries")),
		chromedp.WaitVisible(chromedp.CSS(".live.on")),
	))
	rows, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("#deliveries tbody tr[data-id]").length`))
	require.NoError(t, err)
	assert.Greater(t, rows, 10, "every provider's demo deliveries")
	if os.Getenv("PMSHOOKS_UPDATE_SCREENSHOT") != "" {
		png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100) /* 100: PNG */)
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join("..", "..", "docs", "console.png"), png, 0o644))
	}
	require.NoError(t, chromedp.Do(ctx,
		chromedp.SetValue(chromedp.CSS(`input[name=provider]`), "propexo"),
		chromedp.Submit(chromedp.CSS(`#filters`)),
		chromedp.WaitVisible(chromedp.CSS(`input[name=provider][value=propexo]`)),
	))
	providers, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](
		`Array.from(document.querySelectorAll("#deliveries tbody tr[data-id]")).map(r => r.dataset.provider)`))
	require.NoError(t, err)
	require.NotEmpty(t, providers)
	for _, p := range providers {
		assert.Equal(t, "propexo", p)
	}

	// Open the dead delivery, retry it, and watch it become done without a
	// reload: the page marks itself, and the mark survives.
	require.NoError(t, chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`#deliveries a[href="d/`+deadID+`"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#retry`)),
	))
	assert.Contains(t, text(ctx, "#body"), "\n  ", "the body is pretty-printed")
	assert.Contains(t, text(ctx, "#history"), "propexo is down", "the failed attempt and its error")

	s.heal()
	require.NoError(t, chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`#retry`)),
		chromedp.WaitVisible(chromedp.CSS(`#flash`)),
		chromedp.WaitVisible(chromedp.CSS(`.live.on`)),
	))
	_, err = chromedp.Run(ctx, chromedp.Evaluate[bool](`window.pmshooksMark = true`))
	require.NoError(t, err)
	require.NoError(t, chromedp.Do(ctx, chromedp.WaitVisible(chromedp.CSS(`#live h1 .state-done`))))
	marked, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`window.pmshooksMark === true`))
	require.NoError(t, err)
	assert.True(t, marked, "the state changed in place, without a reload")
	history := text(ctx, "#history")
	assert.Contains(t, history, "retried")
	assert.Contains(t, history, "done")

	// A page of another origin posts to the console with the user's cookie:
	// refused.
	require.NoError(t, s.ib.Replay(t.Context(), dead.ID))
	require.Eventually(t, func() bool {
		d, err := s.ib.Get(t.Context(), dead.ID)
		return err == nil && d.State == inbox.StateDone
	}, 10*time.Second, 20*time.Millisecond)
	evil := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		_, _ = w.Write([]byte(`<!doctype html><form id="f" method="post" action="` + app.URL + `/ops/inbox/d/` + deadID +
			`/replay"></form><script>document.getElementById("f").submit()</script>`))
	}))
	t.Cleanup(evil.Close)
	require.NoError(t, chromedp.Do(ctx,
		chromedp.Navigate(evil.URL),
		chromedp.Sleep(time.Second),
		chromedp.WaitReady(chromedp.CSS(`body`)),
	))
	assert.Contains(t, text(ctx, "body"), "cross-origin request detected")
	d, err := s.ib.Get(t.Context(), dead.ID)
	require.NoError(t, err)
	assert.Equal(t, inbox.StateDone, d.State, "the cross-site replay changed nothing")
	var outcomes []string
	for _, a := range d.History {
		outcomes = append(outcomes, string(a.Outcome))
	}
	assert.Equal(t, 1, strings.Count(strings.Join(outcomes, " "), "replayed"), "only the test's own replay: %v", outcomes)

	// A browser without the session sees nothing, not even the assets.
	fresh := browser(t)
	for _, path := range []string{"/ops/inbox/", "/ops/inbox/d/" + deadID, "/ops/inbox/assets/console.css", "/ops/inbox/events"} {
		require.NoError(t, chromedp.Do(fresh, chromedp.Navigate(app.URL+path)))
		assert.Equal(t, "Forbidden", strings.TrimSpace(text(fresh, "body")), path)
	}
	t.Logf("browser test took %s", time.Since(start).Round(time.Millisecond))
}
