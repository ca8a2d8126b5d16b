package propexo

import (
	"context"
	"encoding/json"
	"fmt"
	"iter"
	"net/url"
	"strconv"
	"time"

	"github.com/pmshooks/pmshooks/internal/api"
)

const (
	jobLogsPath = "/admin/logs/jobs/"
	jobLogPath  = "/admin/job-logs/"
)

// JobLogsService reads the logs of Propexo's integration jobs: the reads
// of a sync and the writes to the property management system. A
// JOB_FAILURE delivery names its job (JobFailure.JobID); ListForJob
// returns that job's logs. Get it from Client.JobLogs. It is safe for
// concurrent use.
type JobLogsService struct {
	client *Client
}

// JobStatus is the outcome a job log records. The set is open; the
// constants are the values of the list's status filter.
type JobStatus string

// The job statuses Propexo documents (as the values of the status filter
// of GET /v1/admin/logs/jobs/).
const (
	JobStatusSuccess JobStatus = "SUCCESS"
	JobStatusFailure JobStatus = "FAILURE"
)

// JobLog is the log of one run of an integration job.
type JobLog struct {
	// ID identifies the log (JobLogsService.Get).
	ID string `json:"id"`
	// JobID is the job the log is of; "" when null.
	JobID string `json:"job_id"`
	// CreatedAt is when the log was written.
	CreatedAt time.Time `json:"created_at"`
	// JobType names the kind of job, such as READ_RESIDENT_TRANSACTIONS.
	JobType JobType `json:"job_type"`
	// Status is the outcome, such as FAILURE.
	Status JobStatus `json:"status"`
	// ParentJobID is the job that spawned this one; "" when null.
	ParentJobID string `json:"parent_job_id"`
	// RootJobID is the job this one descends from (itself for a root).
	RootJobID string `json:"root_job_id"`
	// JobScheduleID is the sync schedule that ran the job; "" when null (a
	// job run on demand).
	JobScheduleID string `json:"job_schedule_id"`
	// IntegrationID is the integration the job ran for.
	IntegrationID string `json:"integration_id"`
	// AssociatedPropertyID is the property the job was about; "" when
	// null.
	AssociatedPropertyID string `json:"associated_property_id"`
}

// JobLogListOptions selects the job logs List and All return. The zero
// value, like nil, lists every log, newest first, in Propexo's default
// page of 100 (MaxPerPage for All).
type JobLogListOptions struct {
	// ListOptions selects the page, sent as offset and limit.
	ListOptions
	// Status keeps the logs with one outcome; "" keeps all.
	Status JobStatus
	// IntegrationID keeps the logs of one integration; "" keeps all.
	IntegrationID string
	// JobType keeps the logs of one kind of job; "" keeps all.
	JobType JobType
	// OrderBy sorts, as "field:asc" or "field:desc" (Propexo's order-by);
	// "" means Propexo's default, "created_at:desc".
	OrderBy string
}

// JobLogForJobOptions selects the logs ListForJob and AllForJob return.
// The zero value, like nil, lists the logs of the job and of every job it
// spawned, newest first.
type JobLogForJobOptions struct {
	// ListOptions selects the page, sent as offset and limit.
	ListOptions
	// OnlyThisJob leaves out the logs of the jobs the job spawned (sent as
	// include_all_jobs=false; Propexo's default is true).
	OnlyThisJob bool
	// OrderBy sorts, as "field:asc" or "field:desc"; "" means Propexo's
	// default, "created_at:desc".
	OrderBy string
}

// Get returns the job log id (a JobLog.ID, not a job id). The reference
// documents only 400 answers; an unknown id is assumed to answer 404.
//
// Propexo docs: https://docs.propexo.com/api-reference (Admin, "Get log by ID")
//
// GET /v1/admin/job-logs/{job_log_id}/
func (s *JobLogsService) Get(ctx context.Context, id string) (*JobLog, *Response, error) {
	const op = "get job log"
	if id == "" {
		return nil, nil, fmt.Errorf("propexo: %s: %w", op, errNoID)
	}
	var env struct {
		Results json.RawMessage `json:"results"`
	}
	resp, err := s.client.do(ctx, op, api.Request{Path: jobLogPath + url.PathEscape(id) + "/"}, &env)
	if err != nil {
		return nil, resp, err
	}
	l, err := singleResult[JobLog](env.Results)
	if err != nil {
		return nil, resp, fmt.Errorf("propexo: %s: %w", op, err)
	}
	return l, resp, nil
}

// List returns the page of job logs opts selects. A nil opts is the zero
// JobLogListOptions.
//
// Propexo docs: https://docs.propexo.com/api-reference (Admin, "Get logs")
//
// GET /v1/admin/logs/jobs/
func (s *JobLogsService) List(ctx context.Context, opts *JobLogListOptions) (*Page[JobLog], *Response, error) {
	var o JobLogListOptions
	if opts != nil {
		o = *opts
	}
	env, resp, err := s.list(ctx, o)
	if err != nil {
		return nil, resp, err
	}
	return pageOf(env, specOf(o.ListOptions)), resp, nil
}

// All iterates over every job log opts selects, from the page opts names
// on, fetching pages of opts.PerPage (MaxPerPage when 0) as the loop goes.
// A nil opts is the zero JobLogListOptions. An error is yielded once, with
// a nil JobLog, and ends the iteration.
//
// Propexo docs: https://docs.propexo.com/api-reference (Admin, "Get logs")
//
// GET /v1/admin/logs/jobs/
func (s *JobLogsService) All(ctx context.Context, opts *JobLogListOptions) iter.Seq2[*JobLog, error] {
	var o JobLogListOptions
	if opts != nil {
		o = *opts
	}
	return all(ctx, "list job logs", o.ListOptions, func(ctx context.Context, lo ListOptions) (*listEnvelope[JobLog], *Response, error) {
		po := o
		po.ListOptions = lo
		return s.list(ctx, po)
	})
}

func (s *JobLogsService) list(ctx context.Context, o JobLogListOptions) (*listEnvelope[JobLog], *Response, error) {
	q := url.Values{}
	specOf(o.ListOptions).query(q, o.OrderBy)
	if o.Status != "" {
		q.Set("status", string(o.Status))
	}
	if o.IntegrationID != "" {
		q.Set("integration_id", o.IntegrationID)
	}
	if o.JobType != "" {
		q.Set("job_type", string(o.JobType))
	}
	var env listEnvelope[JobLog]
	resp, err := s.client.do(ctx, "list job logs", api.Request{Path: jobLogsPath, Query: q}, &env)
	if err != nil {
		return nil, resp, err
	}
	return &env, resp, nil
}

// ListForJob returns the page of the logs of job jobID (such as a
// JOB_FAILURE's JobID) that opts selects. A nil opts is the zero
// JobLogForJobOptions: the job's logs and those of the jobs it spawned.
// Whether "spawned" reaches beyond the job's children, and what a job
// without logs answers (an empty list is assumed), the reference does not
// say.
//
// Propexo docs: https://docs.propexo.com/api-reference (Admin, "Get logs by job ID")
//
// GET /v1/admin/logs/jobs/{id}
func (s *JobLogsService) ListForJob(ctx context.Context, jobID string, opts *JobLogForJobOptions) (*Page[JobLog], *Response, error) {
	var o JobLogForJobOptions
	if opts != nil {
		o = *opts
	}
	env, resp, err := s.listForJob(ctx, jobID, o)
	if err != nil {
		return nil, resp, err
	}
	return pageOf(env, specOf(o.ListOptions)), resp, nil
}

// AllForJob iterates over every log of job jobID that opts selects, as
// All does. A nil opts is the zero JobLogForJobOptions.
//
// Propexo docs: https://docs.propexo.com/api-reference (Admin, "Get logs by job ID")
//
// GET /v1/admin/logs/jobs/{id}
func (s *JobLogsService) AllForJob(ctx context.Context, jobID string, opts *JobLogForJobOptions) iter.Seq2[*JobLog, error] {
	var o JobLogForJobOptions
	if opts != nil {
		o = *opts
	}
	return all(ctx, "list job logs of job", o.ListOptions, func(ctx context.Context, lo ListOptions) (*listEnvelope[JobLog], *Response, error) {
		po := o
		po.ListOptions = lo
		return s.listForJob(ctx, jobID, po)
	})
}

func (s *JobLogsService) listForJob(ctx context.Context, jobID string, o JobLogForJobOptions) (*listEnvelope[JobLog], *Response, error) {
	const op = "list job logs of job"
	if jobID == "" {
		return nil, nil, fmt.Errorf("propexo: %s: %w", op, errNoID)
	}
	q := url.Values{}
	specOf(o.ListOptions).query(q, o.OrderBy)
	if o.OnlyThisJob {
		q.Set("include_all_jobs", strconv.FormatBool(false))
	}
	var env listEnvelope[JobLog]
	resp, err := s.client.do(ctx, op, api.Request{Path: jobLogsPath + url.PathEscape(jobID), Query: q}, &env)
	if err != nil {
		return nil, resp, err
	}
	return &env, resp, nil
}
