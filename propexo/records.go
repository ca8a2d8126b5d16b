package propexo

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/url"
	"slices"
	"time"

	"github.com/pmshooks/pmshooks/internal/api"
	"github.com/pmshooks/pmshooks/lenient"
)

// RecordsService reads the records Propexo caches, one by id, for every
// model the API can read that way: GET /v1/<model>/{id}. Get it from
// Client.Records. It is safe for concurrent use.
//
// It is one call, typed by Model, rather than one method per model:
// Propexo's OpenAPI description has 51 such paths, all answering
// {"meta": {...}, "results": {record}}, whose records share eight fields
// (Record) and differ in the rest, by model and by property management
// system (custom_data). Get returns those eight fields and the record as
// sent; GetRecord decodes it into a type of your own.
type RecordsService struct {
	client *Client
}

// recordPaths maps each model Propexo can read by id to the path of its
// records under BaseURL, as Propexo's OpenAPI description of February 2026
// lists them (TestRecordModels_openAPI checks the table against it). Most
// paths are the model in kebab-case; the others are those the description
// marks with x-propexo derivedFromModel: application-templates,
// service-request-history, unit-types, units/details and vendors.
var recordPaths = map[Model]string{
	ModelAccountingEntities:           "/accounting-entities/",
	ModelAddressTypes:                 "/address-types/",
	ModelAmenities:                    "/amenities/",
	ModelApplicants:                   "/applicants/",
	ModelApplicationStatuses:          "/application-statuses/",
	ModelApplications:                 "/applications/",
	ModelCallLogs:                     "/call-logs/",
	ModelChargeCodes:                  "/charge-codes/",
	ModelConcessions:                  "/concessions/",
	ModelConstructionJobs:             "/construction-jobs/",
	ModelDepositSummaries:             "/deposit-summaries/",
	ModelDeposits:                     "/deposits/",
	ModelEmployees:                    "/employees/",
	ModelEntrataUnitTypes:             "/unit-types/",
	ModelEventResults:                 "/event-results/",
	ModelEventSubTypes:                "/event-sub-types/",
	ModelEventTypes:                   "/event-types/",
	ModelEvents:                       "/events/",
	ModelFees:                         "/fees/",
	ModelFileTypes:                    "/file-types/",
	ModelFinancialAccounts:            "/financial-accounts/",
	ModelFloorPlans:                   "/floor-plans/",
	ModelInvoices:                     "/invoices/",
	ModelLeadSources:                  "/lead-sources/",
	ModelLeads:                        "/leads/",
	ModelLeaseTransfers:               "/lease-transfers/",
	ModelLeases:                       "/leases/",
	ModelListings:                     "/listings/",
	ModelNoteCategories:               "/note-categories/",
	ModelOwners:                       "/owners/",
	ModelPayableRegisters:             "/payable-registers/",
	ModelProperties:                   "/properties/",
	ModelPropertyLists:                "/property-lists/",
	ModelPurchaseOrders:               "/purchase-orders/",
	ModelRecurringResidentCharges:     "/recurring-resident-charges/",
	ModelRentableItems:                "/rentable-items/",
	ModelRentvineApplicationTemplates: "/application-templates/",
	ModelResidentCharges:              "/resident-charges/",
	ModelResidentInsurance:            "/resident-insurance/",
	ModelResidentPayments:             "/resident-payments/",
	ModelResidents:                    "/residents/",
	ModelServiceRequestCategories:     "/service-request-categories/",
	ModelServiceRequestLocations:      "/service-request-locations/",
	ModelServiceRequestNotes:          "/service-request-history/",
	ModelServiceRequestPriorities:     "/service-request-priorities/",
	ModelServiceRequestProblems:       "/service-request-problems/",
	ModelServiceRequestStatuses:       "/service-request-statuses/",
	ModelServiceRequestVendors:        "/vendors/",
	ModelServiceRequests:              "/service-requests/",
	ModelUnitDetails:                  "/units/details/",
	ModelUnits:                        "/units/",
}

// RecordModels returns the models whose records Propexo serves by id
// (RecordsService.Get), sorted: 51 of the 112 subscribable models. The
// others (relations such as residents_to_leases, and models such as
// lead_pets) have no get-by-id call. The slice is new on each call.
func RecordModels() []Model { return slices.Sorted(maps.Keys(recordPaths)) }

// RecordPath returns the path of m's records under BaseURL, such as
// "/leases/" for ModelLeases ("/v1/leases/{lease_id}" in Propexo's
// reference), and "" when Propexo has no get-by-id call for m. Most paths
// are Model.Object; five are not: ModelRentvineApplicationTemplates is
// "/application-templates/", ModelServiceRequestNotes
// "/service-request-history/", ModelEntrataUnitTypes "/unit-types/",
// ModelUnitDetails "/units/details/" and ModelServiceRequestVendors
// "/vendors/". Either spelling of m is accepted (see NormalizeModel).
func (m Model) RecordPath() string { return recordPaths[NormalizeModel(string(m))] }

// ErrNoRecordCall is returned, wrapped, by RecordsService.Get and
// GetRecord, before sending anything, for a model that Propexo's reference
// gives no get-by-id call (Model.RecordPath is ""), such as a relation
// (residents_to_leases) or a model it does not know.
var ErrNoRecordCall = errors.New("model has no get-by-id call")

// errNoID is returned, wrapped, by the record, job-log and write calls
// given an empty id: the request would address a collection instead.
var errNoID = errors.New("empty id")

// Record is a record of any model as Propexo's API returns it: the fields
// every model's record has, and the whole record as sent. Decode reads it
// into a type with the model's own fields.
//
// Decoding is lenient, as for deliveries: an id sent as a number keeps
// its digits, and a timestamp in a form lenient.Time cannot read is the
// zero time, its text still in Raw. Only a record that is not a JSON
// object fails to decode.
type Record struct {
	// Model is the model of the record: the one asked for by
	// RecordsService.Get, or the "object" of a delivery's payload. It is
	// not part of Propexo's record.
	Model Model
	// ID is Propexo's id of the record: a delivery's record_id.
	ID string
	// XID is the id of the record in the property management system.
	XID string
	// IntegrationID is the integration the record belongs to.
	IntegrationID string
	// IntegrationVendor is the property management system of the
	// integration.
	IntegrationVendor Vendor
	// PropertyID is Propexo's id of the record's property; "" when null.
	PropertyID string
	// CreatedAt is when the record first entered Propexo's cache, and
	// UpdatedAt when Propexo last changed it.
	CreatedAt, UpdatedAt time.Time
	// LastSeen is when Propexo last read the record from the property
	// management system; zero when null. Propexo never deletes a cached
	// record: a record gone from the property management system keeps its
	// last LastSeen.
	LastSeen time.Time
	// Raw is the record exactly as sent: every field of its model.
	Raw json.RawMessage
}

// recordFields are the fields every record has, read leniently.
type recordFields struct {
	ID                lenient.String `json:"id"`
	XID               lenient.String `json:"x_id"`
	IntegrationID     lenient.String `json:"integration_id"`
	IntegrationVendor Vendor         `json:"integration_vendor"`
	PropertyID        lenient.String `json:"property_id"`
	CreatedAt         lenient.Time   `json:"created_at"`
	UpdatedAt         lenient.Time   `json:"updated_at"`
	LastSeen          lenient.Time   `json:"last_seen"`
}

// UnmarshalJSON reads the common fields of a record from a JSON object
// and keeps the object in Raw; Model is left as it is. It fails only when
// b is not a JSON object.
func (r *Record) UnmarshalJSON(b []byte) error {
	if !isObject(b) {
		return fmt.Errorf("propexo: record is not a JSON object: %w", lenient.ErrType)
	}
	var f recordFields
	if err := json.Unmarshal(b, &f); err != nil {
		return fmt.Errorf("propexo: decode record: %w", err)
	}
	*r = Record{
		Model:             r.Model,
		ID:                string(f.ID),
		XID:               string(f.XID),
		IntegrationID:     string(f.IntegrationID),
		IntegrationVendor: f.IntegrationVendor,
		PropertyID:        string(f.PropertyID),
		CreatedAt:         f.CreatedAt.Time,
		UpdatedAt:         f.UpdatedAt.Time,
		LastSeen:          f.LastSeen.Time,
		Raw:               bytes.Clone(b),
	}
	return nil
}

// MarshalJSON writes Raw, the record as Propexo sent it (null when Raw is
// nil), so that a Record encodes to what it was decoded from.
func (r Record) MarshalJSON() ([]byte, error) {
	if len(r.Raw) == 0 {
		return []byte("null"), nil
	}
	return bytes.Clone(r.Raw), nil
}

// Decode unmarshals the record (Raw) into v, such as a struct of your own
// with the model's fields.
func (r *Record) Decode(v any) error {
	if err := json.Unmarshal(r.Raw, v); err != nil {
		return fmt.Errorf("propexo: decode %s record: %w", r.Model, err)
	}
	return nil
}

// Get returns the record id of model, as Propexo's cache holds it now:
// every field, where a DATA_NEW delivery may carry only some and a
// DATA_UPDATE only the changed ones. It fails with an error wrapping
// ErrNoRecordCall, before sending, for a model without get-by-id call (see
// RecordModels). An id Propexo does not know gives an *APIError; the
// reference documents only 400 for these calls, and the status of an
// unknown id (404 is assumed by Hydrator) is not documented.
//
// Propexo docs: https://docs.propexo.com/api-reference (one page per model,
// such as "Get a lease by ID")
//
// GET /v1/<model>/{id}, such as GET /v1/leases/{lease_id}
func (s *RecordsService) Get(ctx context.Context, model Model, id string) (*Record, *Response, error) {
	r, resp, err := GetRecord[Record](ctx, s.client, model, id)
	if err != nil {
		return nil, resp, err
	}
	r.Model = NormalizeModel(string(model))
	return r, resp, nil
}

// GetRecord is RecordsService.Get for a type of your own: it returns the
// record id of model decoded by encoding/json into a new T, such as a
// struct with the fields of the model's schema in Propexo's reference.
// Decoding follows T's rules (encoding/json ignores unknown fields); use
// Get and Record.Decode to keep the record as sent as well.
//
// Propexo docs: https://docs.propexo.com/api-reference
//
// GET /v1/<model>/{id}
func GetRecord[T any](ctx context.Context, c *Client, model Model, id string) (*T, *Response, error) {
	m := NormalizeModel(string(model))
	op := "get " + string(m)
	p := m.RecordPath()
	switch {
	case p == "":
		return nil, nil, fmt.Errorf("propexo: %s: %w: %q", op, ErrNoRecordCall, string(model))
	case id == "":
		return nil, nil, fmt.Errorf("propexo: %s: %w", op, errNoID)
	}
	var env struct {
		Results json.RawMessage `json:"results"`
	}
	resp, err := c.do(ctx, op, api.Request{Path: p + url.PathEscape(id)}, &env)
	if err != nil {
		return nil, resp, err
	}
	v, err := singleResult[T](env.Results)
	if err != nil {
		return nil, resp, fmt.Errorf("propexo: %s: %w", op, err)
	}
	return v, resp, nil
}

// Record returns the payload of the delivery as a Record, its Model the
// delivery's Object: the same decoding as RecordsService.Get, so that a
// payload and a fetched record compare field by field. Payloads are
// partial: fields Propexo had no value for are absent (zero). It fails
// when the payload is absent, null or not a JSON object.
func (d *DataNew) Record() (*Record, error) {
	if isNull(d.Payload) {
		return nil, errors.New("propexo: DATA_NEW has no payload")
	}
	r := &Record{Model: d.Object}
	if err := json.Unmarshal(d.Payload, r); err != nil {
		return nil, err
	}
	return r, nil
}
