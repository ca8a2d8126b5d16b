package main

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pmshooks/pmshooks/event"
	"github.com/pmshooks/pmshooks/inbox"
	"github.com/pmshooks/pmshooks/internal/registry"
)

// newInboxFile makes a SQLite inbox holding two deliveries handled (done)
// and one dead, propexo's, whose handler failed with "crm down".
func newInboxFile(t *testing.T) string {
	t.Helper()
	ctx := t.Context()
	path := filepath.Join(t.TempDir(), "inbox.db")
	db, d, err := inbox.OpenDB(path)
	require.NoError(t, err)
	defer db.Close()
	ib, err := inbox.New(db, d, inbox.WithMaxAttempts(1), inbox.WithPollInterval(10*time.Millisecond))
	require.NoError(t, err)
	require.NoError(t, ib.Migrate(ctx))

	for _, s := range []struct{ provider, name string }{
		{"hostaway", "reservation.created"},
		{"propexo", "DATA_NEW"},
		{"ownerrez", "booking.entity_update"},
	} {
		p, err := registry.Lookup(s.provider)
		require.NoError(t, err)
		v, err := p.NewVerifier(p.DevCredentials())
		require.NoError(t, err)
		rc, err := p.NewReceiver(v)
		require.NoError(t, err)
		req, err := p.NewRequest("http://localhost/hooks/"+s.provider, s.name, v)
		require.NoError(t, err)
		w := httptest.NewRecorder()
		ib.HTTPHandler(rc).ServeHTTP(w, req)
		require.Equal(t, http.StatusOK, w.Code, "%s %s stored", s.provider, s.name)
	}

	runCtx, cancel := context.WithCancel(ctx)
	ran := make(chan error, 1)
	go func() {
		ran <- ib.Run(runCtx, event.HandlerFunc(func(_ context.Context, e event.Event) error {
			if e.Provider() == "propexo" {
				return errors.New("crm down")
			}
			return nil
		}))
	}()
	require.Eventually(t, func() bool {
		st, err := ib.Stats(ctx)
		return err == nil && st.Done == 2 && st.Dead == 1
	}, 10*time.Second, 10*time.Millisecond)
	cancel()
	require.NoError(t, <-ran)
	return path
}

func TestInbox(t *testing.T) {
	t.Parallel()
	path := newInboxFile(t)

	r := runCmd(t, "inbox", "list", "--db", path)
	require.Equal(t, exitOK, r.code, r.stderr)
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	require.GreaterOrEqual(t, len(lines), 6, r.stdout)
	assert.Regexp(t, `^ID +STATE +PROVIDER +EVENT +TYPE +SUBJECT +ATTEMPTS +RECEIVED +NEXT/FINISHED +LAST ERROR$`, lines[0])
	assert.Regexp(t, `^1 +done +hostaway +reservation.created +booking.created +booking/13 +1 `, lines[1])
	assert.Regexp(t, `^2 +dead +propexo +DATA_NEW +record.created +\S+ +1 .* crm down$`, lines[2])
	assert.Regexp(t, `^3 +done +ownerrez +booking.entity_update `, lines[3])
	assert.Equal(t, "pending 0, in flight 0, dead 1, done 2", lines[len(lines)-1])

	// Only the dead, as JSON, in snake_case.
	r = runCmd(t, "inbox", "list", "--db", path, "--state", "dead", "--json")
	require.Equal(t, exitOK, r.code, r.stderr)
	var dead []map[string]any
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &dead), r.stdout)
	require.Len(t, dead, 1)
	assertKeys(t, dead[0], "id", "provider", "event_id", "type", "name", "account", "subject", "received_at",
		"state", "attempts", "next_attempt_at", "last_error", "finished_at", "header", "body")
	assert.EqualValues(t, 2, dead[0]["id"])
	assert.Equal(t, "propexo", dead[0]["provider"])
	assert.Equal(t, "crm down", dead[0]["last_error"])
	assert.IsType(t, map[string]any{}, dead[0]["body"], "the body is JSON, not base64")

	// One provider; pages.
	r = runCmd(t, "inbox", "list", "--db", path, "--provider", "OwnerRez")
	require.Equal(t, exitOK, r.code, r.stderr)
	assert.Contains(t, r.stdout, "ownerrez")
	assert.NotContains(t, r.stdout, "hostaway")
	r = runCmd(t, "inbox", "list", "--db", path, "--limit", "1", "--state", "done")
	require.Equal(t, exitOK, r.code, r.stderr)
	next := nextPageCommand(t, r.stdout)
	assert.Equal(t, []string{"inbox", "list", "--db", path, "--state", "done", "--limit", "1", "--after", "1"}, next)
	r = runCmd(t, next...)
	require.Equal(t, exitOK, r.code, r.stderr)
	assert.Regexp(t, `(?m)^3 +done +ownerrez `, r.stdout)
	r = runCmd(t, "inbox", "list", "--db", path, "--after", "3")
	require.Equal(t, exitOK, r.code, r.stderr)
	assert.Contains(t, r.stdout, "no deliveries")

	// Retry the dead one; the others cannot be retried.
	r = runCmd(t, "inbox", "retry", "--db", path, "2")
	require.Equal(t, exitOK, r.code, r.stderr)
	assert.Equal(t, "2: pending again\n", r.stdout)
	r = runCmd(t, "inbox", "list", "--db", path, "--state", "pending")
	require.Equal(t, exitOK, r.code, r.stderr)
	assert.Regexp(t, `(?m)^2 +pending +propexo `, r.stdout)
	assert.Contains(t, r.stdout, "pending 1, in flight 0, dead 0, done 2")

	r = runCmd(t, "inbox", "retry", "--db", path, "1", "99")
	assert.Equal(t, exitFailure, r.code)
	assert.Contains(t, r.stderr, "1: inbox: delivery is not dead")
	assert.Contains(t, r.stderr, "99: inbox: no such delivery")

	// Purge what is done.
	r = runCmd(t, "inbox", "purge", "--db", path, "--older-than", "0s")
	require.Equal(t, exitOK, r.code, r.stderr)
	assert.Equal(t, "purged 2 deliveries done more than 0s ago\n", r.stdout)
	r = runCmd(t, "inbox", "purge", "--db", path)
	require.Equal(t, exitOK, r.code, r.stderr)
	assert.Equal(t, "purged 0 deliveries done more than 24h0m0s ago\n", r.stdout)
	r = runCmd(t, "inbox", "list", "--db", path)
	require.Equal(t, exitOK, r.code, r.stderr)
	assert.Contains(t, r.stdout, "pending 1, in flight 0, dead 0, done 0")
}

func TestInbox_failures(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()

	r := runCmd(t, "inbox", "list", "--db", filepath.Join(dir, "typo.db"))
	assert.Equal(t, exitFailure, r.code)
	assert.Contains(t, r.stderr, "pmshooks inbox list: no inbox database: ")
	assert.NoFileExists(t, filepath.Join(dir, "typo.db"), "a mistyped path creates no file")

	// A database that is not an inbox.
	empty := filepath.Join(dir, "empty.db")
	db, _, err := inbox.OpenDB(empty)
	require.NoError(t, err)
	require.NoError(t, db.Close())
	for _, args := range [][]string{
		{"inbox", "list", "--db", empty},
		{"inbox", "retry", "--db", empty, "1"},
		{"inbox", "purge", "--db", empty},
	} {
		r := runCmd(t, args...)
		assert.Equal(t, exitFailure, r.code, args)
		assert.Contains(t, r.stderr, "was it migrated", args)
	}
}

func TestRedactHeader(t *testing.T) {
	t.Parallel()
	h := http.Header{
		"X-Channex-Webhook-Secret": {"t0ken"},
		"X-Api-Key":                {"k"},
		"Propexo-Signature":        {"5d41"},
		"Content-Type":             {"application/json"},
	}
	assert.Equal(t, http.Header{
		"X-Channex-Webhook-Secret": {"(redacted)"},
		"X-Api-Key":                {"(redacted)"},
		"Propexo-Signature":        {"5d41"},
		"Content-Type":             {"application/json"},
	}, redactHeader(h))
	assert.Equal(t, "t0ken", h.Get("X-Channex-Webhook-Secret"), "h is not modified")
}

// assertKeys checks that the JSON object m has exactly the keys want.
func assertKeys(t *testing.T, m map[string]any, want ...string) {
	t.Helper()
	var got []string
	for k := range m {
		got = append(got, k)
	}
	assert.ElementsMatch(t, want, got)
	for _, k := range got {
		assert.Regexp(t, `^[a-z][a-z0-9_]*$`, k, "snake_case")
	}
}

// nextPageCommand returns the arguments of the next-page command that
// inbox list printed.
func nextPageCommand(t *testing.T, out string) []string {
	t.Helper()
	_, rest, ok := strings.Cut(out, "more may follow; the next page:\n")
	require.True(t, ok, out)
	line, _, _ := strings.Cut(rest, "\n")
	return pasted(t, line)
}

func TestInbox_dbFromEnvironment(t *testing.T) {
	t.Parallel()
	path := newInboxFile(t)
	env := map[string]string{"PMSHOOKS_DB": path}
	// Every action reads PMSHOOKS_DB.
	for _, args := range [][]string{
		{"inbox", "list"},
		{"inbox", "retry", "2"},
		{"inbox", "purge", "--older-than", "1000h"},
	} {
		r := cmdTest{env: env}.run(t, args...)
		assert.Equal(t, exitOK, r.code, "%v: %s", args, r.stderr)
	}
	// The flag wins.
	r := cmdTest{env: env}.run(t, "inbox", "list", "--db", filepath.Join(t.TempDir(), "other.db"))
	assert.Equal(t, exitFailure, r.code)
	assert.Contains(t, r.stderr, "no inbox database")
	r = cmdTest{env: map[string]string{"PMSHOOKS_DB": filepath.Join(t.TempDir(), "other.db")}}.run(t, "inbox", "list", "--db", path)
	assert.Equal(t, exitOK, r.code, r.stderr)

	// The next page's command leaves --db to the environment.
	r = cmdTest{env: env}.run(t, "inbox", "list", "--limit", "1")
	require.Equal(t, exitOK, r.code, r.stderr)
	assert.Equal(t, []string{"inbox", "list", "--limit", "1", "--after", "1"}, nextPageCommand(t, r.stdout))

	// Neither: a usage error naming both.
	r = runCmd(t, "inbox", "list")
	assert.Equal(t, exitUsage, r.code)
	assert.Contains(t, r.stderr, "missing --db DSN (or set PMSHOOKS_DB)")

	// --help documents it.
	for _, action := range []string{"list", "retry", "purge"} {
		r = runCmd(t, "inbox", action, "--help")
		assert.Contains(t, r.stdout, "$PMSHOOKS_DB", action)
	}
}

func TestHasPassword(t *testing.T) {
	t.Parallel()
	for dsn, want := range map[string]bool{
		"inbox.db":                                 false,
		"postgres://app@db/app":                    false,
		"postgres://app:s3cr3t@db/app":             true,
		"host=db user=app password=s3cr3t":         true,
		"file:inbox.db?_pragma=busy_timeout(5000)": false,
	} {
		assert.Equal(t, want, hasPassword(dsn), dsn)
	}
}
