package textpack

import (
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestPack(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("x", size-10)
	tests := []struct {
		name  string
		texts []string
	}{
		{"none", nil},
		{"one", []string{"sha256:abc"}},
		{"several, empty ones among them", []string{"", "a", "", "bc", "", "def"}},
		{"past the buffer", []string{long, "0123456789", "0123456789ab", "z"}},
		{"one text larger than the buffer", []string{strings.Repeat("y", size+1), "after"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var p Pack
			handles := make([]Text, len(tt.texts))
			buf := make([]byte, 0, size+1)
			for i, text := range tt.texts {
				buf = append(buf[:0], text...)
				handles[i] = p.Add(buf)
				clear(buf) // the Pack copied the text
			}
			p.Done()
			got := make([]string, 0, len(handles))
			for _, h := range handles {
				got = append(got, p.String(h))
			}
			assert.Equal(t, append([]string{}, tt.texts...), got)
			assert.Empty(t, p.String(Text{}), "the zero Text")
		})
	}
}

// TestPack_oneAllocation: the texts a Pack holds cost one allocation
// together.
func TestPack_oneAllocation(t *testing.T) {
	var a, b, c string
	allocs := testing.AllocsPerRun(20, func() {
		var p Pack
		var num [20]byte
		ta := p.Add([]byte("sha256:0123456789abcdef"))
		tb := p.Add(strconv.AppendInt(num[:0], 40160, 10))
		tc := p.Add(strconv.AppendInt(num[:0], 1406, 10))
		p.Done()
		a, b, c = p.String(ta), p.String(tb), p.String(tc)
	})
	require.Equal(t, 1.0, allocs)
	assert.Equal(t, []string{"sha256:0123456789abcdef", "40160", "1406"}, []string{a, b, c})
}
