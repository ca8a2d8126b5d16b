package propexo

import (
	"context"
	"fmt"
	"net/url"

	"github.com/pmshooks/pmshooks/internal/api"
)

const writeStatusPath = "/admin/write-status/"

// WritesService reads the status of Propexo's asynchronous writes to the
// property management system. A WRITE_OPERATION_FAILURE delivery names
// its write (WriteOperationFailure.RootJobID); Get returns its status now.
// Get it from Client.Writes. It is safe for concurrent use.
type WritesService struct {
	client *Client
}

// WriteResult is the status of one write operation.
type WriteResult struct {
	// RootJobID is the job of the write, as asked for. It is not part of
	// Propexo's answer.
	RootJobID string `json:"-"`
	// Status is SUCCESS, PARTIAL_SUCCESS, FAILURE or PENDING.
	Status WriteStatus `json:"write_status"`
	// Errors are Propexo's descriptions of what failed. They may quote data
	// from the write; log them with care.
	Errors []string `json:"errors"`
	// CreatedRecordID is the first record the write created; "" when null
	// (the write failed, or the property management system gives created
	// records no id). Propexo warns that it may be a record of another
	// model than the one written.
	CreatedRecordID string `json:"created_record_id"`
}

// Get returns the status of the write whose root job is rootJobID. Unlike
// Propexo's other answers, this one is the bare object, without "meta" or
// "results". The reference documents only 400 answers; what an unknown
// rootJobID answers (404 is assumed) is not documented.
//
// Propexo docs: https://docs.propexo.com/api-reference (Admin, "Check the status of a write operation")
//
// GET /v1/admin/write-status/{root_job_id}
func (s *WritesService) Get(ctx context.Context, rootJobID string) (*WriteResult, *Response, error) {
	const op = "get write status"
	if rootJobID == "" {
		return nil, nil, fmt.Errorf("propexo: %s: %w", op, errNoID)
	}
	var w WriteResult
	resp, err := s.client.do(ctx, op, api.Request{Path: writeStatusPath + url.PathEscape(rootJobID)}, &w)
	if err != nil {
		return nil, resp, err
	}
	w.RootJobID = rootJobID
	return &w, resp, nil
}
