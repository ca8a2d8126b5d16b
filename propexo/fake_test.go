package propexo_test

import (
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/pmshooks/pmshooks/propexo"
	"github.com/pmshooks/pmshooks/propexo/propexotest"
)

// The tests in this file run the calls that the other test files check
// against hand-written answers against propexotest's fake API too.

func TestDataDiffsService_fake(t *testing.T) {
	t.Parallel()
	s, c := fake(t)
	require.NoError(t, s.PutRecord(propexo.ModelLeases, "lease-1", map[string]any{"status_raw": "Pending"}))
	time.Sleep(5 * time.Millisecond)
	mid := time.Now()
	time.Sleep(5 * time.Millisecond)
	require.NoError(t, s.PutRecord(propexo.ModelLeases, "lease-1", map[string]any{"status_raw": "Current"}))
	other := s.PutDataDiff(propexo.DataDiff{Model: propexo.ModelUnits, ModelRecordID: "u1", EventType: propexo.DataDiffNew,
		IntegrationID: "int-2", IntegrationVendor: propexo.VendorEntrata, JobID: "job-9",
		CreatedAt: time.Now().Add(time.Hour), DataDiff: json.RawMessage(`{"name":"101"}`)})

	p, _, err := c.DataDiffs.List(t.Context(), nil)
	require.NoError(t, err)
	require.Len(t, p.Items, 3)
	assert.Equal(t, 3, p.Total)
	newest, update, created := p.Items[0], p.Items[1], p.Items[2]
	assert.Empty(t, cmp.Diff(&other, newest))
	assert.Equal(t, propexo.DataDiffUpdate, update.EventType)
	assert.Equal(t, propexo.ModelLeases, update.Model)
	assert.Equal(t, "lease-1", update.ModelRecordID)
	assert.Equal(t, propexotest.Vendor, update.IntegrationVendor)
	var d struct {
		New, Previous map[string]any
	}
	require.NoError(t, json.Unmarshal(update.DataDiff, &d))
	assert.Equal(t, "Current", d.New["status_raw"])
	assert.Equal(t, "Pending", d.Previous["status_raw"])
	assert.Equal(t, propexo.DataDiffNew, created.EventType)
	assert.Contains(t, string(created.DataDiff), `"status_raw":"Pending"`)

	tests := []struct {
		name string
		opts propexo.DataDiffListOptions
		want []string
	}{
		{name: "after", opts: propexo.DataDiffListOptions{After: mid, Before: time.Now().Add(time.Minute)}, want: []string{update.ID}},
		{name: "integration", opts: propexo.DataDiffListOptions{IntegrationID: "int-2"}, want: []string{other.ID}},
		{name: "vendor", opts: propexo.DataDiffListOptions{Vendor: propexotest.Vendor, OrderBy: "created_at:asc"}, want: []string{created.ID, update.ID}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for d, err := range c.DataDiffs.All(t.Context(), &tt.opts) {
				require.NoError(t, err)
				got = append(got, d.ID)
			}
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestWebhooksService_fake(t *testing.T) {
	t.Parallel()
	s, c := fake(t)
	ctx := t.Context()
	created, _, err := c.Webhooks.Create(ctx, &propexo.SubscriptionParams{
		URL: "https://example.com/hooks", Events: []propexo.Trigger{propexo.TriggerDataNew, propexo.TriggerJobFailure},
		Model: propexo.ModelLeases, Headers: []propexo.Header{{Header: "Authorization", Value: "Bearer x"}}, Enabled: true,
	})
	require.NoError(t, err)
	assert.Len(t, created.Secret, len("whsec_")+32, "generated")
	assert.Equal(t, propexo.SystemSandbox, created.System)
	require.Len(t, created.Events, 2)
	assert.Equal(t, propexo.ModelLeases, created.Events[0].Model)
	assert.Equal(t, propexo.Model(""), created.Events[1].Model, "null for triggers without model")

	disabled, _, err := c.Webhooks.Create(ctx, &propexo.SubscriptionParams{URL: "https://example.com/off", Events: []propexo.Trigger{propexo.TriggerSyncComplete}, Secret: "0123456789"})
	require.NoError(t, err)
	assert.False(t, disabled.Enabled)
	assert.Equal(t, "0123456789", disabled.Secret)

	got, _, err := c.Webhooks.Get(ctx, created.ID)
	require.NoError(t, err)
	assert.Empty(t, cmp.Diff(created, got))

	p, _, err := c.Webhooks.List(ctx, nil)
	require.NoError(t, err)
	require.Len(t, p.Items, 1)
	assert.Equal(t, created.ID, p.Items[0].ID)
	p, _, err = c.Webhooks.List(ctx, &propexo.SubscriptionListOptions{Disabled: true})
	require.NoError(t, err)
	require.Len(t, p.Items, 1)
	assert.Equal(t, disabled.ID, p.Items[0].ID)

	updated, _, err := c.Webhooks.Update(ctx, disabled.ID, &propexo.SubscriptionParams{Enabled: true, Events: []propexo.Trigger{propexo.TriggerJobSuccess}})
	require.NoError(t, err)
	assert.True(t, updated.Enabled)
	assert.Equal(t, "https://example.com/off", updated.URL, "kept")
	require.Len(t, updated.Events, 1)
	assert.Equal(t, propexo.TriggerJobSuccess, updated.Events[0].Trigger, "PUT accepts the legacy trigger")

	var n int
	for sub, err := range c.Webhooks.All(ctx, &propexo.SubscriptionListOptions{ListOptions: propexo.ListOptions{PerPage: 1}}) {
		require.NoError(t, err)
		assert.True(t, sub.Enabled)
		n++
	}
	assert.Equal(t, 2, n)

	_, err = c.Webhooks.Delete(ctx, created.ID)
	require.NoError(t, err)
	_, _, err = c.Webhooks.Get(ctx, created.ID)
	var apiErr *propexo.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, http.StatusNotFound, apiErr.StatusCode)
	_, err = c.Webhooks.Delete(ctx, created.ID)
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, http.StatusNotFound, apiErr.StatusCode)

	invalid := []struct {
		name string
		p    propexo.SubscriptionParams
	}{
		{name: "legacy trigger on create", p: propexo.SubscriptionParams{URL: "https://example.com", Events: []propexo.Trigger{propexo.TriggerJobSuccess}}},
		{name: "short secret", p: propexo.SubscriptionParams{URL: "https://example.com", Events: []propexo.Trigger{propexo.TriggerDataNew}, Secret: "short"}},
		{name: "unknown model", p: propexo.SubscriptionParams{URL: "https://example.com", Events: []propexo.Trigger{propexo.TriggerDataNew}, Model: "widgets"}},
		{name: "relative url", p: propexo.SubscriptionParams{URL: "/hooks", Events: []propexo.Trigger{propexo.TriggerDataNew}}},
	}
	for _, tt := range invalid {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := c.Webhooks.Create(ctx, &tt.p)
			var apiErr *propexo.APIError
			require.ErrorAs(t, err, &apiErr)
			assert.Equal(t, http.StatusBadRequest, apiErr.StatusCode)
			assert.Equal(t, "invalid_request", apiErr.Code)
			assert.Contains(t, string(apiErr.Details), "ZodError")
		})
	}
	assert.Equal(t, 2+len(invalid), s.Requests(http.MethodPost, "/webhooks/"))
}
