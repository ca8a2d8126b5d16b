// Package testutil holds what the provider packages' tests share: reading
// fixtures from testdata/ and comparing against golden files that
// `go test ./... -update` rewrites (as go/printer's tests do).
package testutil

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// update is the -update flag of every test binary that imports testutil.
var update = flag.Bool("update", false, "rewrite golden files in testdata/")

// Fixture returns the bytes of testdata/name, failing the test when it cannot
// be read.
func Fixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatalf("testutil: reading fixture: %v", err)
	}
	return b
}

// Fixtures returns the names of the files in testdata/ that match pattern
// (a filepath.Match pattern such as "*.json"), sorted.
func Fixtures(t testing.TB, pattern string) []string {
	t.Helper()
	paths, err := filepath.Glob(filepath.Join("testdata", pattern))
	if err != nil {
		t.Fatalf("testutil: listing fixtures: %v", err)
	}
	names := make([]string, 0, len(paths))
	for _, p := range paths {
		names = append(names, filepath.Base(p))
	}
	sort.Strings(names)
	return names
}

// TrimExt returns name without its extension: "booking_new.json" gives
// "booking_new".
func TrimExt(name string) string {
	return strings.TrimSuffix(name, filepath.Ext(name))
}

// Golden compares got, marshalled as indented JSON, with testdata/name. With
// -update it writes the file instead.
func Golden(t testing.TB, name string, got any) {
	t.Helper()
	b, err := json.MarshalIndent(got, "", "  ")
	if err != nil {
		t.Fatalf("testutil: marshalling golden value: %v", err)
	}
	b = append(b, '\n')
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, b, 0o644); err != nil {
			t.Fatalf("testutil: writing golden file: %v", err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("testutil: reading golden file (run go test -update to create it): %v", err)
	}
	if diff := cmp.Diff(string(want), string(b)); diff != "" {
		t.Errorf("%s mismatch (-want +got), run go test -update if the change is intended:\n%s", path, diff)
	}
}
