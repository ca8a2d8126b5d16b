package inbox_test

import (
	"database/sql"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pmshooks/pmshooks/inbox"
)

func TestInbox_panicsOnNil(t *testing.T) {
	t.Parallel()
	db, err := sql.Open("sqlite", ":memory:")
	require.NoError(t, err)
	defer db.Close()
	ib, err := inbox.New(db, inbox.SQLite)
	require.NoError(t, err)
	assert.PanicsWithValue(t, "inbox: HTTPHandler with a nil Receiver", func() { ib.HTTPHandler(nil) })
	assert.PanicsWithValue(t, "inbox: Run with a nil Handler", func() { _ = ib.Run(t.Context(), nil) })
}

func TestNew_sqliteUsesOneConnection(t *testing.T) {
	t.Parallel()
	db, err := sql.Open("sqlite", ":memory:")
	require.NoError(t, err)
	defer db.Close()
	_, err = inbox.New(db, inbox.SQLite)
	require.NoError(t, err)
	assert.Equal(t, 1, db.Stats().MaxOpenConnections)
}

func TestOpenDB_sqlite(t *testing.T) {
	t.Parallel()
	db, d, err := inbox.OpenDB(filepath.Join(t.TempDir(), "inbox.db"))
	require.NoError(t, err)
	defer db.Close()
	assert.Equal(t, inbox.SQLite, d)
	assert.Equal(t, 1, db.Stats().MaxOpenConnections)
	var timeout int
	var mode string
	require.NoError(t, db.QueryRow("PRAGMA busy_timeout").Scan(&timeout))
	require.NoError(t, db.QueryRow("PRAGMA journal_mode").Scan(&mode))
	assert.Equal(t, 10000, timeout)
	assert.Equal(t, "wal", mode)
}
