package inbox

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestLoadSchema(t *testing.T) {
	t.Parallel()
	lite, err := loadSchema(SQLite)
	require.NoError(t, err)
	pg, err := loadSchema(PostgreSQL)
	require.NoError(t, err)
	assert.Equal(t, lite.latest(), pg.latest(), "both dialects are at the same version")
	// Versions that change only the other dialect: SQLite's version 6
	// records that PostgreSQL got its functions.
	recordOnly := map[*schema]map[int]bool{lite: {6: true}, pg: {}}
	for _, s := range []*schema{lite, pg} {
		require.Len(t, s.preamble, 1, "the preamble creates the version table")
		assert.Contains(t, s.preamble[0], "CREATE TABLE IF NOT EXISTS pmshooks_inbox_schema_version")
		for i, m := range s.migrations {
			assert.Equal(t, i+1, m.version)
			if recordOnly[s][m.version] {
				assert.Empty(t, m.statements, "version %d", m.version)
				continue
			}
			assert.NotEmpty(t, m.statements, "version %d", m.version)
		}
		assert.Len(t, s.migrations[0].statements, 5, "the table and four indexes")
	}
}

func TestParseSchema(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		src     string
		want    *schema
		wantErr string
	}{
		{
			name: "sections and statements",
			src:  "-- comment\nCREATE TABLE v (x INT);\n\n-- version 1\n-- why\nCREATE TABLE a (\n    x INT -- trailing\n);\nCREATE INDEX i ON a (x);\n-- version 2\nDROP INDEX i;\n",
			want: &schema{
				preamble: []string{"CREATE TABLE v (x INT);"},
				migrations: []migration{
					{version: 1, statements: []string{"CREATE TABLE a (\n    x INT -- trailing\n);", "CREATE INDEX i ON a (x);"}},
					{version: 2, statements: []string{"DROP INDEX i;"}},
				},
			},
		},
		{name: "no version", src: "CREATE TABLE v (x INT);\n", wantErr: "no version section"},
		{name: "version out of sequence", src: "-- version 2\nSELECT 1;\n", wantErr: "out of sequence"},
		{name: "marker inside a statement", src: "-- version 1\nCREATE TABLE a (\n-- version 2\n);\n", wantErr: "inside a statement"},
		{name: "unterminated statement", src: "-- version 1\nCREATE TABLE a (x INT)\n", wantErr: "ends inside a statement"},
		{name: "unknown step", src: "-- version 1\n-- step: nope\n", wantErr: `unknown step "nope"`},
		{name: "step outside a version", src: "-- step: keys\n-- version 1\nSELECT 1;\n", wantErr: "outside a version section"},
		{name: "step inside a statement", src: "-- version 1\nCREATE TABLE a (\n-- step: keys\n);\n", wantErr: "step inside a statement"},
		{
			name: "a step between statements",
			src:  "-- version 1\nCREATE TABLE a (x INT);\n-- step: keys\nCREATE INDEX i ON a (x);\n",
			want: &schema{migrations: []migration{{version: 1, statements: []string{
				"CREATE TABLE a (x INT);", stepPrefix + "keys", "CREATE INDEX i ON a (x);",
			}}}},
		},
		{
			name: "a function body quoted with $$",
			src:  "-- version 1\nCREATE FUNCTION f() RETURNS INT AS $$\nBEGIN\n    RETURN 1;\nEND\n$$ LANGUAGE plpgsql;\nSELECT f();\n",
			want: &schema{migrations: []migration{{version: 1, statements: []string{
				"CREATE FUNCTION f() RETURNS INT AS $$\nBEGIN\n    RETURN 1;\nEND\n$$ LANGUAGE plpgsql;", "SELECT f();",
			}}}},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := parseSchema(tc.src)
			if tc.wantErr != "" {
				require.ErrorContains(t, err, tc.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)
		})
	}
}

// TestClaimFunction_historyMatchesGo: pmshooks_inbox_claim writes the
// attempt log of a lost lease with the SET list the inbox builds for
// SQLite's claim (claimHistory), copied into the PostgreSQL schema; the two
// must not drift apart.
func TestClaimFunction_historyMatchesGo(t *testing.T) {
	t.Parallel()
	src, err := schemaFiles.ReadFile("schema/postgres.sql")
	require.NoError(t, err)
	assert.Contains(t, string(src), claimHistory(PostgreSQL))
}
