package hashid

import (
	"crypto/sha256"
	"encoding/hex"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestAppend(t *testing.T) {
	t.Parallel()
	for _, body := range []string{"", "{}", `{"id": 1}`} {
		sum := sha256.Sum256([]byte(body))
		want := "sha256:" + hex.EncodeToString(sum[:])
		got := Append([]byte("x"), []byte(body))
		assert.Equal(t, "x"+want, string(got), "%q", body)
		assert.Len(t, want, Len)
	}
}

func TestAppend_noAllocation(t *testing.T) {
	var buf [Len]byte
	body := []byte(`{"id": 1}`)
	allocs := testing.AllocsPerRun(20, func() { _ = Append(buf[:0], body) })
	require.Zero(t, allocs)
}
