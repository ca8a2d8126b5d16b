package event

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestStatusLine: the constant bodies are the status texts writeStatus
// wrote with fmt.Fprintln before.
func TestStatusLine(t *testing.T) {
	t.Parallel()
	for code := 100; code < 600; code++ {
		assert.Equal(t, http.StatusText(code)+"\n", statusLine(code), code)
	}
}
