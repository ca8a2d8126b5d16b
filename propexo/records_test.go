package propexo_test

import (
	"encoding/json"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pmshooks/pmshooks/propexo"
	"github.com/pmshooks/pmshooks/propexo/propexotest"
)

// fake starts a propexotest.Server and returns it with a client for it.
func fake(t *testing.T, opts ...propexo.ClientOption) (*propexotest.Server, *propexo.Client) {
	t.Helper()
	s := propexotest.NewServer()
	t.Cleanup(s.Close)
	c, err := s.Client(opts...)
	require.NoError(t, err)
	return s, c
}

func TestRecordsService_Get_everyModel(t *testing.T) {
	t.Parallel()
	s, c := fake(t)
	models := propexo.RecordModels()
	require.Len(t, models, 51)
	for _, m := range models {
		t.Run(string(m), func(t *testing.T) {
			id := "cl-" + string(m)
			require.NoError(t, s.PutRecord(m, id, map[string]any{"name": "a " + m.Kind(), "custom_data": map[string]int{"n": 1}}))
			r, resp, err := c.Records.Get(t.Context(), m, id)
			require.NoError(t, err)
			assert.Equal(t, http.StatusOK, resp.StatusCode)
			assert.Equal(t, m, r.Model)
			assert.Equal(t, id, r.ID)
			assert.Equal(t, "x-"+id, r.XID)
			assert.Equal(t, propexotest.IntegrationID, r.IntegrationID)
			assert.Equal(t, propexotest.Vendor, r.IntegrationVendor)
			assert.False(t, r.CreatedAt.IsZero())
			var own struct {
				Name       string         `json:"name"`
				CustomData map[string]int `json:"custom_data"`
			}
			require.NoError(t, r.Decode(&own))
			assert.Equal(t, "a "+m.Kind(), own.Name)
			assert.Equal(t, 1, own.CustomData["n"])
			assert.Equal(t, 1, s.Requests(http.MethodGet, m.RecordPath()+"{id}"))
			assert.Equal(t, 1, s.Requests(http.MethodGet, m.RecordPath()+id))
		})
	}
}

func TestGetRecord(t *testing.T) {
	t.Parallel()
	s, c := fake(t)
	require.NoError(t, s.PutRecord(propexo.ModelLeases, "lease/1", map[string]any{
		"status_raw": "Current", "start_date": "2025-01-01T00:00:00.000Z", "rent_amount_in_cents": 150000,
	}))
	type lease struct {
		ID          string    `json:"id"`
		StatusRaw   string    `json:"status_raw"`
		StartDate   time.Time `json:"start_date"`
		RentInCents int       `json:"rent_amount_in_cents"`
	}
	got, resp, err := propexo.GetRecord[lease](t.Context(), c, "leases", "lease/1")
	require.NoError(t, err)
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, lease{ID: "lease/1", StatusRaw: "Current", StartDate: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), RentInCents: 150000}, *got)
	assert.Equal(t, 1, s.Requests(http.MethodGet, "/leases/{id}"), "the id is escaped: one segment")
}

func TestRecordsService_Get_errors(t *testing.T) {
	t.Parallel()
	s, c := fake(t)
	require.NoError(t, s.PutRecord(propexo.ModelUnits, "u1", map[string]any{}))

	tests := []struct {
		name     string
		model    propexo.Model
		id       string
		sentinel error
		status   int
	}{
		{name: "relation without get-by-id", model: propexo.ModelResidentsToLeases, id: "r1", sentinel: propexo.ErrNoRecordCall},
		{name: "unknown model", model: "widgets", id: "w1", sentinel: propexo.ErrNoRecordCall},
		{name: "empty model", model: "", id: "w1", sentinel: propexo.ErrNoRecordCall},
		{name: "empty id", model: propexo.ModelUnits},
		{name: "unknown id", model: propexo.ModelUnits, id: "nope", status: http.StatusNotFound},
		{name: "kebab-case model", model: "unit-details", id: "nope", status: http.StatusNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, _, err := c.Records.Get(t.Context(), tt.model, tt.id)
			require.Error(t, err)
			assert.Nil(t, r)
			if tt.sentinel != nil {
				assert.ErrorIs(t, err, tt.sentinel)
			}
			var apiErr *propexo.APIError
			if tt.status != 0 {
				require.ErrorAs(t, err, &apiErr)
				assert.Equal(t, tt.status, apiErr.StatusCode)
				assert.Equal(t, "not_found", apiErr.Code)
			} else {
				assert.False(t, errors.As(err, &apiErr), "refused before sending")
			}
		})
	}
	assert.Equal(t, 2, s.Requests(http.MethodGet, "/units/{id}")+s.Requests(http.MethodGet, "/units/details/{id}"))
}

func TestRecordsService_Get_unauthorized(t *testing.T) {
	t.Parallel()
	s := propexotest.NewServer()
	t.Cleanup(s.Close)
	require.NoError(t, s.PutRecord(propexo.ModelUnits, "u1", map[string]any{}))
	c, err := propexo.NewClient(propexo.APIKey("wrong-key"), propexo.WithBaseURL(s.URL()))
	require.NoError(t, err)
	_, resp, err := c.Records.Get(t.Context(), propexo.ModelUnits, "u1")
	var apiErr *propexo.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, http.StatusUnauthorized, apiErr.StatusCode)
	assert.Equal(t, "unauthorized", apiErr.Code)
	assert.Equal(t, http.StatusUnauthorized, resp.StatusCode)
	assert.NotContains(t, err.Error(), "wrong-key")
}

func TestRecord_UnmarshalJSON(t *testing.T) {
	t.Parallel()
	at := time.Date(2024, 3, 21, 15, 38, 8, 337e6, time.UTC)
	tests := []struct {
		name    string
		in      string
		want    propexo.Record
		wantErr bool
	}{
		{
			name: "every common field",
			in: `{"id":"cl1","x_id":"77","integration_id":"int1","integration_vendor":"YARDI","property_id":"p1",
				"created_at":"2024-03-21T15:38:08.337Z","updated_at":"2024-03-21T15:38:08.337Z","last_seen":"2024-03-21T15:38:08.337Z","name":"x"}`,
			want: propexo.Record{ID: "cl1", XID: "77", IntegrationID: "int1", IntegrationVendor: propexo.VendorYardi,
				PropertyID: "p1", CreatedAt: at, UpdatedAt: at, LastSeen: at},
		},
		{
			name: "lenient: numbers, nulls, odd timestamps",
			in:   `{"id":12,"x_id":null,"property_id":null,"last_seen":null,"created_at":"yesterday","updated_at":1711035488}`,
			want: propexo.Record{ID: "12", UpdatedAt: time.Unix(1711035488, 0).UTC()},
		},
		{name: "partial payload", in: `{"id":"cl1"}`, want: propexo.Record{ID: "cl1"}},
		{name: "array", in: `[]`, wantErr: true},
		{name: "string", in: `"cl1"`, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := propexo.Record{Model: propexo.ModelLeases}
			err := json.Unmarshal([]byte(tt.in), &r)
			if tt.wantErr {
				require.Error(t, err)
				return
			}
			require.NoError(t, err)
			tt.want.Model = propexo.ModelLeases
			tt.want.Raw = json.RawMessage(tt.in)
			assert.Empty(t, cmp.Diff(tt.want, r))
			out, err := json.Marshal(r)
			require.NoError(t, err)
			assert.JSONEq(t, tt.in, string(out), "a Record encodes to what it was decoded from")
		})
	}
	out, err := json.Marshal(propexo.Record{})
	require.NoError(t, err)
	assert.Equal(t, "null", string(out))
}

func TestModel_RecordPath(t *testing.T) {
	t.Parallel()
	tests := []struct {
		model propexo.Model
		want  string
	}{
		{propexo.ModelLeases, "/leases/"},
		{"residents", "/residents/"},
		{"service-requests", "/service-requests/"},
		{propexo.ModelServiceRequestNotes, "/service-request-history/"},
		{propexo.ModelServiceRequestVendors, "/vendors/"},
		{propexo.ModelUnitDetails, "/units/details/"},
		{propexo.ModelEntrataUnitTypes, "/unit-types/"},
		{propexo.ModelRentvineApplicationTemplates, "/application-templates/"},
		{propexo.ModelResidentsToLeases, ""},
		{propexo.ModelLeadPets, ""},
		{"", ""},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, tt.model.RecordPath(), tt.model)
	}
	kinds := map[string]propexo.Model{}
	for _, m := range propexo.RecordModels() {
		prev, dup := kinds[m.Kind()]
		assert.False(t, dup, "%s and %s have one Kind: a Hydrator could not tell them apart", prev, m)
		kinds[m.Kind()] = m
	}
	got := propexo.RecordModels()
	got[0] = "changed"
	assert.NotEqual(t, propexo.Model("changed"), propexo.RecordModels()[0], "a new slice on each call")
}

func TestDataNew_Record(t *testing.T) {
	t.Parallel()
	body, ok := propexotest.Sample("DATA_NEW")
	require.True(t, ok)
	w, err := propexo.Parse(body)
	require.NoError(t, err)
	r, err := w.DataNew.Record()
	require.NoError(t, err)
	assert.Equal(t, w.DataNew.Object, r.Model)
	assert.JSONEq(t, string(w.DataNew.Payload), string(r.Raw))

	for _, payload := range []string{"", "null", "[1]"} {
		d := propexo.DataNew{Payload: json.RawMessage(payload)}
		_, err := d.Record()
		assert.Error(t, err, payload)
	}
}
