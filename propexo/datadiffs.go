package propexo

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"net/url"
	"slices"
	"time"

	"github.com/pmshooks/pmshooks/internal/api"
)

const dataDiffsPath = "/v1/admin/data-diffs/"

// DataDiffsService reads the data diffs: the change records behind
// DATA_NEW and DATA_UPDATE, which Propexo keeps for 30 days. Get it from
// Client.DataDiffs. It is safe for concurrent use.
//
// They are how to recover after a downtime longer than RetryPeriod, when
// Propexo has given up delivering: list the diffs of each integration with
// After set to the start of the outage, and process those your receiver
// did not see. A diff is not a delivery: it has no signature and its
// DataDiff is not documented to match a delivery's payload or diff.
type DataDiffsService struct {
	client *Client
}

// DataDiffEventType is the kind of change of a DataDiff.
type DataDiffEventType string

// The kinds of change Propexo records.
const (
	// DataDiffNew is a new record, the change behind DATA_NEW.
	DataDiffNew DataDiffEventType = "NEW"
	// DataDiffUpdate is a changed record, the change behind DATA_UPDATE.
	DataDiffUpdate DataDiffEventType = "UPDATE"
)

// Trigger returns the webhook trigger this kind of change is sent as:
// TriggerDataNew for NEW, TriggerDataUpdate for UPDATE, and "" for any
// other.
func (t DataDiffEventType) Trigger() Trigger {
	switch t {
	case DataDiffNew:
		return TriggerDataNew
	case DataDiffUpdate:
		return TriggerDataUpdate
	}
	return ""
}

// DataDiff is one change record.
type DataDiff struct {
	// ID identifies the change record.
	ID string `json:"id"`
	// Model is the model of the record, in snake_case.
	Model Model `json:"model"`
	// ModelRecordID is Propexo's id of the record: a delivery's record_id.
	ModelRecordID string `json:"model_record_id"`
	// EventType is NEW or UPDATE.
	EventType DataDiffEventType `json:"event_type"`
	// DataDiff is the change, exactly as sent.
	DataDiff json.RawMessage `json:"data_diff"`
	// CreatedAt is when Propexo recorded the change.
	CreatedAt time.Time `json:"created_at"`
	// JobID is the job that saw the change; "" when null.
	JobID string `json:"job_id"`
	// IntegrationID is the integration of the record.
	IntegrationID string `json:"integration_id"`
	// IntegrationVendor is the property management system of the
	// integration.
	IntegrationVendor Vendor `json:"integration_vendor"`
}

// DataDiffListOptions selects the data diffs List and All return. The zero
// value, like nil, lists every diff kept, in Propexo's default order.
type DataDiffListOptions struct {
	// IntegrationID keeps the diffs of one integration; "" keeps all.
	IntegrationID string
	// Vendor keeps the diffs of integrations with one property management
	// system; "" keeps all. Propexo's OpenAPI accepts only the vendors
	// DataDiffVendors lists for this filter (not AppFolio, Yardi,
	// RentCafe, ...): List and All refuse any other value before sending,
	// with an error matching ErrDataDiffVendor.
	Vendor Vendor
	// After and Before bound the diffs' creation time, sent as RFC 3339 in
	// UTC; the zero time sets no bound. Whether Propexo includes the bounds
	// themselves is not documented.
	After, Before time.Time
	// Offset skips that many diffs; 0 starts at the first.
	Offset int
	// Limit is the page size, at most MaxLimit; 0 means Propexo's default
	// of 100 for List, and MaxLimit for All.
	Limit int
	// OrderBy sorts, as "field:asc" or "field:desc", several separated by
	// commas; "" means Propexo's default.
	OrderBy string
}

// DataDiffPage is one page of data diffs.
type DataDiffPage struct {
	// DataDiffs are the page's change records, in the order asked for.
	DataDiffs []*DataDiff
	PageInfo
}

// List returns one page of data diffs. A nil opts is the zero
// DataDiffListOptions.
//
// Propexo docs: https://github.com/propexo/documentation/blob/main/fern/openapi/openapi.yml (operation on /v1/admin/data-diffs/)
//
// GET /v1/admin/data-diffs/
func (s *DataDiffsService) List(ctx context.Context, opts *DataDiffListOptions) (*DataDiffPage, *Response, error) {
	if opts == nil {
		opts = &DataDiffListOptions{}
	}
	env, resp, err := s.list(ctx, opts, opts.Offset, opts.Limit)
	if err != nil {
		return nil, resp, err
	}
	return &DataDiffPage{
		DataDiffs: env.Results,
		PageInfo:  env.Meta.pageInfo(opts.Offset, cmp.Or(opts.Limit, 100), len(env.Results)),
	}, resp, nil
}

// All returns an iterator over every data diff opts selects, from
// opts.Offset on, fetching pages of opts.Limit (MaxLimit when zero) as the
// loop goes. A nil opts is the zero DataDiffListOptions. An error ends the
// iteration; stopping the loop early fetches no further page.
//
// Propexo docs: https://github.com/propexo/documentation/blob/main/fern/openapi/openapi.yml (operation on /v1/admin/data-diffs/)
//
// GET /v1/admin/data-diffs/
func (s *DataDiffsService) All(ctx context.Context, opts *DataDiffListOptions) iter.Seq2[*DataDiff, error] {
	o := DataDiffListOptions{}
	if opts != nil {
		o = *opts
	}
	limit := cmp.Or(o.Limit, MaxLimit)
	return pages(ctx, o.Offset, limit, func(ctx context.Context, offset int) (*listEnvelope[*DataDiff], error) {
		env, _, err := s.list(ctx, &o, offset, limit)
		return env, err
	})
}

// ErrDataDiffVendor is returned, wrapped, by DataDiffsService.List and All
// when DataDiffListOptions.Vendor is not one of DataDiffVendors.
var ErrDataDiffVendor = errors.New("vendor not accepted by the data-diffs filter")

// dataDiffVendors is the enum (Enum1) that Propexo's OpenAPI gives the
// integration_vendor filter of GET /v1/admin/data-diffs/.
var dataDiffVendors = []Vendor{
	VendorBuildium, VendorEntrata, VendorMRI, VendorPropertyware, VendorPropertywareREST,
	VendorRealPage, VendorRealPageRPX, VendorRentManager, VendorRentvine, VendorResMan,
	VendorSample1, VendorSample2,
}

// DataDiffVendors returns the vendors that the integration_vendor filter of
// the data-diffs endpoint accepts, as Propexo's OpenAPI lists them, in that
// order. The slice is a copy.
func DataDiffVendors() []Vendor { return slices.Clone(dataDiffVendors) }

// list fetches the page at offset.
func (s *DataDiffsService) list(ctx context.Context, opts *DataDiffListOptions, offset, limit int) (*listEnvelope[*DataDiff], *Response, error) {
	q := url.Values{}
	if err := pageQuery(q, offset, limit, opts.OrderBy); err != nil {
		return nil, nil, fmt.Errorf("propexo: list data diffs: %w", err)
	}
	if opts.IntegrationID != "" {
		q.Set("integration_id", opts.IntegrationID)
	}
	if opts.Vendor != "" {
		if !slices.Contains(dataDiffVendors, opts.Vendor) {
			return nil, nil, fmt.Errorf("propexo: list data diffs: %w: %q", ErrDataDiffVendor, opts.Vendor)
		}
		q.Set("integration_vendor", string(opts.Vendor))
	}
	if !opts.After.IsZero() {
		q.Set("after", opts.After.UTC().Format(time.RFC3339Nano))
	}
	if !opts.Before.IsZero() {
		q.Set("before", opts.Before.UTC().Format(time.RFC3339Nano))
	}
	var env listEnvelope[*DataDiff]
	resp, err := s.client.do(ctx, "list data diffs", api.Request{Path: dataDiffsPath, Query: q}, &env)
	if err != nil {
		return nil, resp, err
	}
	return &env, resp, nil
}
