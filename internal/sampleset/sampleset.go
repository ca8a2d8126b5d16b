// Package sampleset serves the embedded sample deliveries of a provider's
// <provider>test package: one JSON body per event name, kept once and shared by
// the provider's tests, the examples and the pmshooks command.
package sampleset

import (
	"bytes"
	"fmt"
	"io/fs"
	"net/http"
	"path"
	"slices"
	"strings"

	"github.com/pmshooks/pmshooks/verify"
)

// Set is the samples in one directory of an fs.FS, each file named
// "<event name>.json".
type Set struct {
	fsys  fs.FS
	dir   string
	names []string
}

// New returns the Set of dir in fsys (usually an embed.FS). It panics when
// dir cannot be read: the samples are embedded at build time, so that is a
// programming error.
func New(fsys fs.FS, dir string) *Set {
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		panic(fmt.Sprintf("sampleset: %v", err))
	}
	s := &Set{fsys: fsys, dir: dir}
	for _, e := range entries {
		if name, ok := strings.CutSuffix(e.Name(), ".json"); ok && !e.IsDir() {
			s.names = append(s.names, name)
		}
	}
	slices.Sort(s.names)
	return s
}

// Names returns the event names that have a sample, sorted.
func (s *Set) Names() []string { return slices.Clone(s.names) }

// Sample returns a copy of the sample body for the event name, and false when
// there is none.
func (s *Set) Sample(name string) ([]byte, bool) {
	if _, found := slices.BinarySearch(s.names, name); !found {
		return nil, false
	}
	b, err := fs.ReadFile(s.fsys, path.Join(s.dir, name+".json"))
	if err != nil {
		return nil, false
	}
	return b, true
}

// NewRequest returns a POST request to url that carries the sample for name
// as application/json, authenticated by signer (every provider Verifier is a
// Signer). A nil signer leaves it unauthenticated.
func (s *Set) NewRequest(url, name string, signer verify.Signer) (*http.Request, error) {
	body, ok := s.Sample(name)
	if !ok {
		return nil, fmt.Errorf("no sample for event %q", name)
	}
	r, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	r.Header.Set("Content-Type", "application/json")
	if signer != nil {
		signer.Sign(r.Header, body)
	}
	return r, nil
}
