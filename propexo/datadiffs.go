package propexo

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"net/url"
	"slices"
	"strconv"
	"time"

	"github.com/pmshooks/pmshooks/internal/api"
)

const dataDiffsPath = "/admin/data-diffs/"

// DataDiffsService reads the data diffs: the change records behind
// DATA_NEW and DATA_UPDATE, which Propexo keeps for 30 days. Get it from
// Client.DataDiffs. It is safe for concurrent use.
//
// They are how to recover after a downtime longer than RetryPeriod, when
// Propexo has given up delivering: list the diffs of each integration with
// After set to the start of the outage, and process those your receiver
// did not see. They are also the only "changed since" call Propexo's
// OpenAPI description documents: the record lists have no updated_after
// or updated_at filter, so to reconcile, list the diffs After the last
// run (NewSource does, with checkpoints) and read each ModelRecordID with
// Client.Records. A diff is not a
// delivery: it has no signature and its DataDiff is not documented to
// match a delivery's payload or diff.
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
// value, like nil, lists every diff kept, in Propexo's default order and
// page of 100 (MaxPerPage for All).
type DataDiffListOptions struct {
	// ListOptions selects the page, sent as offset and limit.
	ListOptions
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
	// OrderBy sorts, as "field:asc" or "field:desc", several separated by
	// commas (Propexo's order-by); "" means Propexo's default,
	// "created_at:desc".
	OrderBy string
}

// List returns the page of data diffs opts selects. A nil opts is the
// zero DataDiffListOptions.
//
// Propexo docs: https://github.com/propexo/documentation/blob/main/fern/openapi/openapi.yml (operation on /v1/admin/data-diffs/)
//
// GET /v1/admin/data-diffs/
func (s *DataDiffsService) List(ctx context.Context, opts *DataDiffListOptions) (*Page[DataDiff], *Response, error) {
	var o DataDiffListOptions
	if opts != nil {
		o = *opts
	}
	env, resp, err := s.list(ctx, o)
	if err != nil {
		return nil, resp, err
	}
	return pageOf(env, specOf(o.ListOptions)), resp, nil
}

// All iterates over every data diff opts selects, from the page opts
// names on, fetching pages of opts.PerPage (MaxPerPage when 0) as the loop
// goes. A nil opts is the zero DataDiffListOptions. An error is yielded
// once, with a nil DataDiff, and ends the iteration; breaking out of the
// loop fetches no further page.
//
// Propexo docs: https://github.com/propexo/documentation/blob/main/fern/openapi/openapi.yml (operation on /v1/admin/data-diffs/)
//
// GET /v1/admin/data-diffs/
func (s *DataDiffsService) All(ctx context.Context, opts *DataDiffListOptions) iter.Seq2[*DataDiff, error] {
	var o DataDiffListOptions
	if opts != nil {
		o = *opts
	}
	return all(ctx, "list data diffs", o.ListOptions, func(ctx context.Context, lo ListOptions) (*listEnvelope[DataDiff], *Response, error) {
		po := o
		po.ListOptions = lo
		return s.list(ctx, po)
	})
}

// list fetches the page o selects; a Vendor the filter does not accept
// fails before sending.
func (s *DataDiffsService) list(ctx context.Context, o DataDiffListOptions) (*listEnvelope[DataDiff], *Response, error) {
	var env listEnvelope[DataDiff]
	resp, err := s.listInto(ctx, o, -1, &env)
	if err != nil {
		return nil, resp, err
	}
	return &env, resp, nil
}

// listInto fetches the page o selects into env, a *listEnvelope of
// DataDiff or of json.RawMessage (Source keeps the diffs as sent), from
// offset instead of o's page when offset is not negative; a Vendor the
// filter does not accept fails before sending.
func (s *DataDiffsService) listInto(ctx context.Context, o DataDiffListOptions, offset int, env any) (*Response, error) {
	q := url.Values{}
	specOf(o.ListOptions).query(q, o.OrderBy)
	if offset >= 0 {
		q.Del("offset")
		if offset > 0 {
			q.Set("offset", strconv.Itoa(offset))
		}
	}
	if o.IntegrationID != "" {
		q.Set("integration_id", o.IntegrationID)
	}
	if o.Vendor != "" {
		if !slices.Contains(dataDiffVendors, o.Vendor) {
			return nil, fmt.Errorf("propexo: list data diffs: %w: %q", ErrDataDiffVendor, o.Vendor)
		}
		q.Set("integration_vendor", string(o.Vendor))
	}
	if !o.After.IsZero() {
		q.Set("after", o.After.UTC().Format(time.RFC3339Nano))
	}
	if !o.Before.IsZero() {
		q.Set("before", o.Before.UTC().Format(time.RFC3339Nano))
	}
	return s.client.do(ctx, "list data diffs", api.Request{Path: dataDiffsPath, Query: q}, env)
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
