package propexo_test

import (
	"compress/gzip"
	"io"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pmshooks/pmshooks/propexo"
)

// spec is Propexo's OpenAPI description (testdata/openapi.yml.gz), read
// line by line: the file is generated with a fixed two-space indentation,
// so a node's children are the lines below it indented deeper, and no
// YAML library is needed.
type spec struct{ lines []string }

func readSpec(t *testing.T) *spec {
	t.Helper()
	f, err := os.Open("testdata/openapi.yml.gz")
	require.NoError(t, err)
	defer f.Close()
	zr, err := gzip.NewReader(f)
	require.NoError(t, err)
	b, err := io.ReadAll(zr)
	require.NoError(t, err)
	return &spec{lines: strings.Split(string(b), "\n")}
}

func indent(l string) int { return len(l) - len(strings.TrimLeft(l, " ")) }

// children returns the direct children of line i: the lines of its block
// at the block's smallest indentation.
func (s *spec) children(i int) []int {
	var out []int
	if i < 0 {
		return nil
	}
	base, first := indent(s.lines[i]), -1
	for j := i + 1; j < len(s.lines); j++ {
		l := s.lines[j]
		if strings.TrimSpace(l) == "" {
			continue
		}
		in := indent(l)
		if in <= base {
			break
		}
		if first < 0 {
			first = in
		}
		if in == first {
			out = append(out, j)
		}
	}
	return out
}

// key returns the key of line i ("" for a list item).
func (s *spec) key(i int) string {
	k, _, _ := strings.Cut(strings.TrimSpace(s.lines[i]), ":")
	return strings.Trim(k, `"`)
}

// value returns the scalar after the key of line i, unquoted. A quoted
// scalar may go on over the next lines, a line ending in a backslash
// joining the next without space (YAML's escaped line break).
func (s *spec) value(i int) string {
	_, v, _ := strings.Cut(strings.TrimSpace(s.lines[i]), ": ")
	v = strings.TrimSpace(v)
	for j := i + 1; strings.HasPrefix(v, `"`) && strings.HasSuffix(v, `\`) && j < len(s.lines); j++ {
		v = strings.TrimSuffix(v, `\`) + strings.TrimSpace(s.lines[j])
	}
	return strings.Trim(v, `"`)
}

// child returns the direct child of line i with key k, or -1.
func (s *spec) child(i int, k string) int {
	if i < 0 {
		return -1
	}
	for _, j := range s.children(i) {
		if s.key(j) == k {
			return j
		}
	}
	return -1
}

// top returns the top-level line with key k.
func (s *spec) top(t *testing.T, k string) int {
	t.Helper()
	for i, l := range s.lines {
		if indent(l) == 0 && strings.HasPrefix(l, k+":") {
			return i
		}
	}
	require.FailNow(t, "no top-level "+k)
	return -1
}

// schema returns the line of components.schemas[name], following $ref
// children, or -1.
func (s *spec) schema(t *testing.T, name string) int {
	i := s.child(s.child(s.top(t, "components"), "schemas"), name)
	if ref := s.child(i, "$ref"); ref >= 0 {
		return s.schema(t, strings.TrimPrefix(s.value(ref), "#/components/schemas/"))
	}
	return i
}

// resolve follows a $ref child of line i, if any.
func (s *spec) resolve(t *testing.T, i int) int {
	if ref := s.child(i, "$ref"); ref >= 0 {
		return s.schema(t, strings.TrimPrefix(s.value(ref), "#/components/schemas/"))
	}
	return i
}

// operation returns the line of the operation method (such as "get") of
// path, or -1.
func (s *spec) operation(t *testing.T, path, method string) int {
	return s.child(s.child(s.top(t, "paths"), path), method)
}

// getByID returns, for each GET /v1/<path>/{id} of the description whose
// answer is {"meta", "results": one object} (Propexo's records; the admin
// and webhook paths left out), the model of its record: the schema's
// x-propexo derivedFromModel, else the path in snake_case. Keys are the
// paths under /v1 without the id, such as "/leases/".
func (s *spec) getByID(t *testing.T) map[string]propexo.Model {
	out := map[string]propexo.Model{}
	for _, p := range s.children(s.top(t, "paths")) {
		path := s.key(p)
		prefix, last, ok := cutLast(strings.TrimPrefix(path, "/v1"))
		if !ok || !strings.HasPrefix(last, "{") || strings.HasPrefix(prefix, "/admin/") || prefix == "/webhooks/" {
			continue
		}
		ok200 := s.child(s.child(s.child(p, "get"), "responses"), "200")
		if ok200 < 0 {
			continue
		}
		sch := s.child(s.child(s.child(ok200, "content"), "application/json"), "schema")
		require.GreaterOrEqual(t, sch, 0, path)
		res := s.resolve(t, s.child(s.child(s.resolve(t, sch), "properties"), "results"))
		require.GreaterOrEqual(t, res, 0, path)
		if typ := s.child(res, "type"); typ >= 0 && s.value(typ) == "array" {
			continue // a list by another id, such as /vendors/properties/{property_id}
		}
		m := propexo.NormalizeModel(strings.Trim(prefix, "/"))
		if d := s.child(s.child(res, "x-propexo"), "derivedFromModel"); d >= 0 {
			m = propexo.Model(s.value(d))
		}
		out[prefix] = m
	}
	return out
}

// cutLast splits p before its last segment.
func cutLast(p string) (prefix, last string, ok bool) {
	i := strings.LastIndex(p, "/")
	if i < 0 {
		return "", "", false
	}
	return p[:i+1], p[i+1:], true
}

// TestRecordModels_openAPI checks the record calls against Propexo's
// OpenAPI description: one model per GET-by-id path, each at its path.
func TestRecordModels_openAPI(t *testing.T) {
	t.Parallel()
	s := readSpec(t)
	want := s.getByID(t)
	require.Len(t, want, 51, "the description has 51 record paths")
	got := map[string]propexo.Model{}
	for _, m := range propexo.RecordModels() {
		assert.True(t, m.Known(), "%s is a subscribable model", m)
		got[m.RecordPath()] = m
	}
	assert.Equal(t, want, got)
}

// TestClient_openAPIPaths checks the paths and query parameters of the
// other calls against the description.
func TestClient_openAPIPaths(t *testing.T) {
	t.Parallel()
	s := readSpec(t)
	for _, tt := range []struct {
		path, method string
		params       []string
	}{
		{"/v1/webhooks/", "get", []string{"active", "offset", "limit", "order-by"}},
		{"/v1/webhooks/", "post", nil},
		{"/v1/webhooks/{webhook_id}", "get", nil},
		{"/v1/webhooks/{webhook_id}", "put", nil},
		{"/v1/webhooks/{webhook_id}", "delete", nil},
		{"/v1/admin/data-diffs/", "get", []string{"integration_vendor", "integration_id", "before", "after", "offset", "limit", "order-by"}},
		{"/v1/admin/logs/jobs/", "get", []string{"status", "integration_id", "job_type", "offset", "limit", "order-by"}},
		{"/v1/admin/logs/jobs/{id}", "get", []string{"include_all_jobs", "offset", "limit", "order-by"}},
		{"/v1/admin/job-logs/{job_log_id}/", "get", nil},
		{"/v1/admin/write-status/{root_job_id}", "get", nil},
	} {
		op := s.operation(t, tt.path, tt.method)
		require.GreaterOrEqual(t, op, 0, "%s %s", tt.method, tt.path)
		var names []string
		for _, p := range s.children(s.child(op, "parameters")) {
			for j := p; j < len(s.lines) && (j == p || indent(s.lines[j]) > indent(s.lines[p])); j++ {
				if strings.HasPrefix(strings.TrimSpace(s.lines[j]), "name: ") && indent(s.lines[j]) == indent(s.lines[p])+2 {
					names = append(names, s.value(j))
				}
			}
		}
		for _, p := range tt.params {
			assert.Contains(t, names, p, "%s %s", tt.method, tt.path)
		}
	}
}
