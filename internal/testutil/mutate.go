package testutil

import (
	"bytes"
	"encoding/json"
	"strconv"
	"testing"
)

// Garbage returns the values Mutations puts in place of each scalar: one of
// every JSON kind that no typed field expects everywhere.
func Garbage() []string {
	return []string{`"forged"`, `{}`, `[]`, `true`, `1.5`, `""`}
}

// Mutation is a body with one scalar leaf replaced by garbage.
type Mutation struct {
	// Path names the replaced leaf, such as "data.guests[0].name".
	Path string
	// Key is the member name of the leaf, or "" for an array element.
	Key string
	// Depth is the number of objects and arrays around the leaf: 1 for a
	// member of the body's top-level object.
	Depth int
	// Value is the JSON text put in its place.
	Value string
	// Body is the changed body.
	Body []byte
}

// Mutations walks body, a JSON document, and returns it once for every
// scalar leaf (string, number, boolean, null) and every Garbage value, with
// that leaf replaced by that value: the table of a test that no value-level
// field can fail a delivery.
func Mutations(t testing.TB, body []byte) []Mutation {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var doc any
	if err := dec.Decode(&doc); err != nil {
		t.Fatalf("testutil: mutations of a body that is not JSON: %v", err)
	}
	var out []Mutation
	var walk func(v any, path, key string, depth int, set func(any))
	walk = func(v any, path, key string, depth int, set func(any)) {
		switch x := v.(type) {
		case map[string]any:
			for k, child := range x {
				walk(child, path+"."+k, k, depth+1, func(n any) { x[k] = n })
			}
		case []any:
			for i, child := range x {
				walk(child, path+"["+strconv.Itoa(i)+"]", "", depth+1, func(n any) { x[i] = n })
			}
		default:
			for _, g := range Garbage() {
				set(json.RawMessage(g))
				b, err := json.Marshal(doc)
				if err != nil {
					t.Fatalf("testutil: re-encoding a mutation: %v", err)
				}
				out = append(out, Mutation{Path: path, Key: key, Depth: depth, Value: g, Body: b})
			}
			set(v)
		}
	}
	walk(doc, "", "", 0, func(any) {})
	return out
}
