package inbox_test

import (
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pmshooks/pmshooks/channex"
	"github.com/pmshooks/pmshooks/channex/channextest"
	"github.com/pmshooks/pmshooks/inbox"
)

// TestInbox_HTTPHandler_dropsReceiverSecretHeaders stores a Channex delivery:
// the secret header the webhook carries never reaches the database.
func TestInbox_HTTPHandler_dropsReceiverSecretHeaders(t *testing.T) {
	t.Parallel()
	db, dialect, err := inbox.OpenDB(filepath.Join(t.TempDir(), "inbox.db"))
	require.NoError(t, err)
	defer db.Close()
	ib, err := inbox.New(db, dialect)
	require.NoError(t, err)
	require.NoError(t, ib.Migrate(t.Context()))

	v, err := channex.NewVerifier("X-Hook-Secret", "channex-secret-token")
	require.NoError(t, err)
	rc, err := channex.NewReceiver(v)
	require.NoError(t, err)
	req, err := channextest.NewSampleRequest(t.Context(), "/hooks/channex", "booking_new", nil, v)
	require.NoError(t, err)
	w := httptest.NewRecorder()
	ib.HTTPHandler(rc).ServeHTTP(w, req)
	require.Equal(t, http.StatusOK, w.Code)

	list, err := ib.List(t.Context(), inbox.Filter{})
	require.NoError(t, err)
	require.Len(t, list, 1)
	assert.Empty(t, list[0].Header.Get("X-Hook-Secret"))
	assert.Equal(t, "application/json", list[0].Header.Get("Content-Type"), "other headers are kept")
}
