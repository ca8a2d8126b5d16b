package operr_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pmshooks/pmshooks/internal/operr"
	"github.com/pmshooks/pmshooks/verify"
)

func TestWrap(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		pkg, op string
		err     error
		want    string
	}{
		"verify sentinel": {"ownerrez", "verify", fmt.Errorf("%w: Basic credentials do not match", verify.ErrUnauthorized),
			"ownerrez: verify: unauthorized: Basic credentials do not match"},
		"already named": {"hostaway", "verify", fmt.Errorf("hostaway: verify: %w", verify.ErrUnauthorized),
			"hostaway: verify: unauthorized"},
		"package only": {"hostaway", "verify", fmt.Errorf("hostaway: %w", verify.ErrUnauthorized),
			"hostaway: verify: unauthorized"},
		"other operation": {"propexo", "new verifier", fmt.Errorf("%w: HMAC needs at least one secret", verify.ErrNoSecret),
			"propexo: new verifier: no secret configured: HMAC needs at least one secret"},
		"foreign text": {"channex", "verify", errors.New("my check failed"), "channex: verify: my check failed"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			err := operr.Wrap(tt.pkg, tt.op, tt.err)
			require.EqualError(t, err, tt.want)
			require.ErrorIs(t, err, tt.err)
		})
	}
	assert.NoError(t, operr.Wrap("x", "y", nil))
}
