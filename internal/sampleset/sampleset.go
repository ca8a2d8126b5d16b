// Package sampleset serves the embedded sample deliveries of a provider's
// <provider>test package: one JSON body per event name, kept once and shared by
// the provider's tests, the examples and the pmshooks command, plus named
// variants derived from them (such as a cancelled booking) and new
// deliveries derived from either (Derive).
package sampleset

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"path"
	"slices"
	"strconv"
	"strings"

	"github.com/pmshooks/pmshooks/verify"
)

// NonceMember is the top-level member Derive adds, with a random value, to
// the body of a provider that sends no delivery id: such a provider's
// Event.ID is event.HashID of the body, so a new body is a new delivery.
// Every receiver ignores members it does not know.
const NonceMember = "pmshooks_nonce"

// ErrNoSample is returned for a name that has no sample.
var ErrNoSample = errors.New("no sample")

// Variant is a named sample derived from the sample of an event name, for a
// case that provider sends under an event name of its own (a cancellation
// that is reservation.updated with status cancelled).
type Variant struct {
	Name    string         // the variant's sample name, such as "reservation.updated:cancelled"
	Event   string         // the event name whose sample it derives from
	Changes map[string]any // members set on that sample, as in Derive; they may add members
}

// Spec describes a provider's samples.
type Spec struct {
	// Dir is the directory of the samples, each file "<event name>.json".
	Dir string
	// DeliveryID is the top-level member that carries the provider's
	// delivery id, which its Event.ID is (OwnerRez's "id"). "" means the
	// provider sends none and its Event.ID hashes the body: Derive then
	// sets NonceMember.
	DeliveryID string
	// Variants are the named samples derived from event samples.
	Variants []Variant
}

// Set is the samples in one directory of an fs.FS, each file named
// "<event name>.json", and the variants of its Spec.
type Set struct {
	fsys  fs.FS
	spec  Spec
	names []string
}

// New returns the Set of spec.Dir in fsys (usually an embed.FS). It panics
// when the directory cannot be read or a variant names no event sample: the
// samples are embedded at build time, so that is a programming error.
func New(fsys fs.FS, spec Spec) *Set {
	entries, err := fs.ReadDir(fsys, spec.Dir)
	if err != nil {
		panic(fmt.Sprintf("sampleset: %v", err))
	}
	s := &Set{fsys: fsys, spec: spec}
	for _, e := range entries {
		if name, ok := strings.CutSuffix(e.Name(), ".json"); ok && !e.IsDir() {
			s.names = append(s.names, name)
		}
	}
	slices.Sort(s.names)
	for _, v := range spec.Variants {
		if _, found := slices.BinarySearch(s.names, v.Event); !found {
			panic(fmt.Sprintf("sampleset: variant %q: no sample for event %q", v.Name, v.Event))
		}
	}
	return s
}

// Names returns the event names that have a sample, sorted. Variants are
// not among them.
func (s *Set) Names() []string { return slices.Clone(s.names) }

// Variants returns the names of the variants, sorted.
func (s *Set) Variants() []string {
	var ns []string
	for _, v := range s.spec.Variants {
		ns = append(ns, v.Name)
	}
	slices.Sort(ns)
	return ns
}

// Sample returns a copy of the sample body for name, an event name or a
// variant's name, and false when there is none. A variant's body is the
// same on every call.
func (s *Set) Sample(name string) ([]byte, bool) {
	if _, found := slices.BinarySearch(s.names, name); found {
		b, err := fs.ReadFile(s.fsys, path.Join(s.spec.Dir, name+".json"))
		return b, err == nil
	}
	for _, v := range s.spec.Variants {
		if v.Name != name {
			continue
		}
		base, ok := s.Sample(v.Event)
		if !ok {
			return nil, false
		}
		doc, err := decode(base)
		if err != nil {
			return nil, false
		}
		if err := apply(doc, v.Changes, true); err != nil {
			return nil, false
		}
		b, err := encode(doc)
		return b, err == nil
	}
	return nil, false
}

// Derive returns the sample for name (an event name or a variant's name) as
// a new delivery: the provider's delivery id is fresh (Spec.DeliveryID set
// to a random UUID unless changes set it, else NonceMember set to a random
// value), and each change is applied. A change's key is a path of members
// separated by dots ("data.status"), a number selecting an array element
// ("data.items.0.id"); its value replaces what is there, marshalled by
// encoding/json (nil is null). Every path must name a member or element
// that exists, so that a misspelt path is an error, not a new member: to
// add members, set their parent object whole. Keys with a dot in them
// cannot be named. The body is indented JSON with its members in sorted
// order and its numbers as written.
func (s *Set) Derive(name string, changes map[string]any) ([]byte, error) {
	base, ok := s.Sample(name)
	if !ok {
		return nil, fmt.Errorf("%w for %q", ErrNoSample, name)
	}
	doc, err := decode(base)
	if err != nil {
		return nil, err
	}
	if err := apply(doc, changes, false); err != nil {
		return nil, err
	}
	if id := s.spec.DeliveryID; id != "" {
		if _, set := changes[id]; !set {
			doc[id] = newUUID()
		}
	} else {
		doc[NonceMember] = randomHex(16)
	}
	return encode(doc)
}

// NewRequest returns a POST request to url with ctx that carries a copy of
// body as application/json, authenticated by signer (every provider
// Verifier is a Signer). A nil signer leaves it unauthenticated.
func NewRequest(ctx context.Context, url string, body []byte, signer verify.Signer) (*http.Request, error) {
	body = bytes.Clone(body)
	r, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	r.Header.Set("Content-Type", "application/json")
	if signer != nil {
		signer.Sign(r.Header, body)
	}
	return r, nil
}

// decode reads a sample body as a JSON object, numbers kept as written.
func decode(b []byte) (map[string]any, error) {
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	var doc map[string]any
	if err := d.Decode(&doc); err != nil || doc == nil {
		return nil, errors.New("the sample is not a JSON object")
	}
	return doc, nil
}

// encode writes doc as indented JSON without HTML escaping.
func encode(doc map[string]any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return nil, fmt.Errorf("encode the changes: %w", err)
	}
	return buf.Bytes(), nil
}

// apply sets each change in doc, in sorted order of paths. add allows a
// path whose last member is missing from its object.
func apply(doc map[string]any, changes map[string]any, add bool) error {
	paths := make([]string, 0, len(changes))
	for p := range changes {
		paths = append(paths, p)
	}
	slices.Sort(paths)
	for _, p := range paths {
		if err := set(doc, p, changes[p], add); err != nil {
			return fmt.Errorf("change %q: %w", p, err)
		}
	}
	return nil
}

// set sets the member or element at the dotted path p of doc to v.
func set(doc map[string]any, p string, v any, add bool) error {
	segs := strings.Split(p, ".")
	if slices.Contains(segs, "") {
		return errors.New("empty member name in path")
	}
	var node any = doc
	for i, seg := range segs {
		last := i == len(segs)-1
		switch n := node.(type) {
		case map[string]any:
			child, ok := n[seg]
			if !ok && !(last && add) {
				return fmt.Errorf("no member %q", strings.Join(segs[:i+1], "."))
			}
			if last {
				n[seg] = v
				return nil
			}
			node = child
		case []any:
			idx, err := strconv.Atoi(seg)
			if err != nil || idx < 0 || idx >= len(n) {
				return fmt.Errorf("no element %q", strings.Join(segs[:i+1], "."))
			}
			if last {
				n[idx] = v
				return nil
			}
			node = n[idx]
		default:
			return fmt.Errorf("%q is neither an object nor an array", strings.Join(segs[:i], "."))
		}
	}
	return nil
}

// newUUID returns a random (version 4) UUID.
func newUUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go 1.24+)
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

// randomHex returns n random bytes as hex.
func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
