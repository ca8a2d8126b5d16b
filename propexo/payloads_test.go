package propexo

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pmshooks/pmshooks/lenient"
)

// TestPayloads_jsonTagsMatchParse checks that Parse reads every field of
// every typed payload under its json tag, in both shapes: each payload is
// filled with non-zero values, encoded through its tags, and must come back
// equal. A field Parse forgot, or a tag spelled differently from the name
// Parse reads, comes back zero.
func TestPayloads_jsonTagsMatchParse(t *testing.T) {
	t.Parallel()
	schedule := lenient.String("schedule-1")
	ctx := json.RawMessage(`{"property_id":"p-1"}`)
	tests := []struct {
		trigger Trigger
		payload any
		typed   func(*Webhook) any
	}{
		{TriggerDataNew, &DataNew{
			Event: TriggerDataNew, IntegrationID: "i-1", Vendor: VendorYardi, JobID: "j-1", RootJobID: "r-1",
			JobType: JobTypeReadLeadEvents, RecordID: "rec-1", Object: ModelResidentsToLeases,
			Payload: json.RawMessage(`{"id":"rec-1"}`), Context: ctx,
		}, func(w *Webhook) any { return w.DataNew }},
		{TriggerDataUpdate, &DataUpdate{
			Event: TriggerDataUpdate, IntegrationID: "i-1", Vendor: VendorYardi, JobID: "j-1", RootJobID: "r-1",
			JobType: JobTypeReadLeadEvents, RecordID: "rec-1", Object: ModelLeases,
			Diff:    Diff{New: json.RawMessage(`{"a":1}`), Previous: json.RawMessage(`{"a":0}`)},
			Context: ctx,
		}, func(w *Webhook) any { return w.DataUpdate }},
		{TriggerSyncComplete, &SyncComplete{
			Event: TriggerSyncComplete, IntegrationID: "i-1", Vendor: VendorMRI, SuccessfulJobCount: lenient.Int{Value: 3},
			FailedJobCount: lenient.Int{Value: 1}, IsSyncFinished: lenient.Bool{Value: true}, IsBacksync: lenient.Bool{Value: true}, JobScheduleID: &schedule,
			ModelsSynced: []Model{ModelUnits},
		}, func(w *Webhook) any { return w.SyncComplete }},
		{TriggerFirstSyncComplete, &FirstSyncComplete{
			Event: TriggerFirstSyncComplete, IntegrationID: "i-1", Vendor: VendorMRI, SuccessfulJobCount: lenient.Int{Value: 3},
			FailedJobCount: lenient.Int{Value: 1}, IsSyncFinished: lenient.Bool{Value: true}, JobScheduleID: &schedule, IsBacksync: lenient.Bool{Value: true},
			ModelsSynced: []Model{ModelUnits},
		}, func(w *Webhook) any { return w.FirstSyncComplete }},
		{TriggerJobFailure, &JobFailure{
			Event: TriggerJobFailure, IntegrationID: "i-1", Vendor: VendorResMan, JobID: "j-1", RootJobID: "r-1",
			JobType: JobTypeReadResidentTransactions,
		}, func(w *Webhook) any { return w.JobFailure }},
		{TriggerJobSuccess, &JobSuccess{
			Event: TriggerJobSuccess, IntegrationID: "i-1", Vendor: VendorResMan, JobID: "j-1", RootJobID: "r-1",
			JobType: JobTypeReadResidentTransactions,
		}, func(w *Webhook) any { return w.JobSuccess }},
		{TriggerWriteOperationFailure, &WriteOperationFailure{
			Event: TriggerWriteOperationFailure, IntegrationID: "i-1", Vendor: VendorResMan, RootJobID: "r-1",
			WriteStatus: WriteStatusFailure, Errors: []lenient.String{"e1", "e2"},
		}, func(w *Webhook) any { return w.WriteOperationFailure }},
	}
	require.Len(t, tests, len(eventTypes), "one case per known trigger")
	for _, tc := range tests {
		t.Run(string(tc.trigger), func(t *testing.T) {
			t.Parallel()
			assertNoZeroField(t, tc.payload)
			data, err := json.Marshal(tc.payload)
			require.NoError(t, err)

			enveloped, err := json.Marshal(map[string]any{"trigger": tc.trigger, "data": json.RawMessage(data)})
			require.NoError(t, err)
			for shape, body := range map[string][]byte{"enveloped": enveloped, "flat": data} {
				w, err := Parse(body)
				require.NoError(t, err, shape)
				if diff := cmp.Diff(tc.payload, tc.typed(w)); diff != "" {
					t.Errorf("%s: round trip mismatch (-want +got):\n%s", shape, diff)
				}
			}
		})
	}
}

// assertNoZeroField fails when a field of the struct v points to is zero,
// so that the round trip above covers every field.
func assertNoZeroField(t *testing.T, v any) {
	t.Helper()
	rv := reflect.ValueOf(v).Elem()
	for i := range rv.NumField() {
		assert.False(t, rv.Field(i).IsZero(), "%s.%s is zero", rv.Type().Name(), rv.Type().Field(i).Name)
	}
}

func TestDiff_Changed(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		diff    Diff
		want    []string
		wantErr bool
	}{
		"both sides": {
			diff: Diff{New: json.RawMessage(`{"status":"approved","rent":1200}`), Previous: json.RawMessage(`{"status":"pending","end_date":null}`)},
			want: []string{"end_date", "rent", "status"},
		},
		"new only":      {diff: Diff{New: json.RawMessage(`{"b":1,"a":2}`)}, want: []string{"a", "b"}},
		"empty":         {diff: Diff{}, want: nil},
		"null previous": {diff: Diff{New: json.RawMessage(`{"a":1}`), Previous: json.RawMessage(`null`)}, want: []string{"a"}},
		"not an object": {diff: Diff{New: json.RawMessage(`["a"]`)}, wantErr: true},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			got, err := tc.diff.Changed()
			if tc.wantErr {
				require.ErrorIs(t, err, lenient.ErrType)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)
		})
	}
}

func TestDiff_Changed_sample(t *testing.T) {
	t.Parallel()
	w, err := Parse([]byte(`{"trigger":"DATA_UPDATE","data":{"diff":{"new":{"first_name":"Mary"},"previous":{"first_name":"Sarah"}}}}`))
	require.NoError(t, err)
	got, err := w.DataUpdate.Diff.Changed()
	require.NoError(t, err)
	assert.Equal(t, []string{"first_name"}, got)

	var now struct {
		FirstName string `json:"first_name"`
	}
	require.NoError(t, json.Unmarshal(w.DataUpdate.Diff.New, &now), "the sides decode into a model type")
	assert.Equal(t, "Mary", now.FirstName)
}
