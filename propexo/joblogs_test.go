package propexo_test

import (
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

// putJobs stores a root job that spawned two, one of them failed, and a
// job of another integration.
func putJobs(t *testing.T, s *propexotest.Server) []propexo.JobLog {
	t.Helper()
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	return []propexo.JobLog{
		s.PutJobLog(propexo.JobLog{ID: "log-root", JobID: "job-root", CreatedAt: at, JobType: "SYNC", Status: propexo.JobStatusSuccess, JobScheduleID: "sched-1"}),
		s.PutJobLog(propexo.JobLog{ID: "log-a", JobID: "job-a", ParentJobID: "job-root", RootJobID: "job-root", CreatedAt: at.Add(time.Second),
			JobType: propexo.JobTypeReadResidentTransactions, Status: propexo.JobStatusFailure, AssociatedPropertyID: "prop-1"}),
		s.PutJobLog(propexo.JobLog{ID: "log-b", JobID: "job-b", ParentJobID: "job-root", RootJobID: "job-root", CreatedAt: at.Add(2 * time.Second),
			JobType: propexo.JobTypeReadLeadEvents, Status: propexo.JobStatusSuccess}),
		s.PutJobLog(propexo.JobLog{ID: "log-other", JobID: "job-other", CreatedAt: at.Add(3 * time.Second), JobType: "SYNC", IntegrationID: "int-2"}),
	}
}

func ids(logs []*propexo.JobLog) []string {
	var out []string
	for _, l := range logs {
		out = append(out, l.ID)
	}
	return out
}

func TestJobLogsService_Get(t *testing.T) {
	t.Parallel()
	s, c := fake(t)
	stored := putJobs(t, s)
	got, resp, err := c.JobLogs.Get(t.Context(), "log-a")
	require.NoError(t, err)
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Empty(t, cmp.Diff(stored[1], *got))
	assert.Equal(t, "job-root", got.RootJobID)
	assert.Equal(t, 1, s.Requests(http.MethodGet, "/admin/job-logs/log-a/"), "the trailing slash of the reference")

	_, _, err = c.JobLogs.Get(t.Context(), "nope")
	var apiErr *propexo.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, http.StatusNotFound, apiErr.StatusCode)

	_, _, err = c.JobLogs.Get(t.Context(), "")
	require.Error(t, err)
	assert.False(t, errorsAsAPI(err))
}

func TestJobLogsService_List(t *testing.T) {
	t.Parallel()
	s, c := fake(t)
	putJobs(t, s)
	tests := []struct {
		name string
		opts *propexo.JobLogListOptions
		want []string
	}{
		{name: "nil: newest first", want: []string{"log-other", "log-b", "log-a", "log-root"}},
		{name: "status", opts: &propexo.JobLogListOptions{Status: propexo.JobStatusFailure}, want: []string{"log-other", "log-a"}},
		{name: "integration", opts: &propexo.JobLogListOptions{IntegrationID: "int-2"}, want: []string{"log-other"}},
		{name: "job type", opts: &propexo.JobLogListOptions{JobType: "SYNC", OrderBy: "created_at:asc"}, want: []string{"log-root", "log-other"}},
		{name: "page 2", opts: &propexo.JobLogListOptions{ListOptions: propexo.ListOptions{Page: 2, PerPage: 3}}, want: []string{"log-root"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, _, err := c.JobLogs.List(t.Context(), tt.opts)
			require.NoError(t, err)
			assert.Equal(t, tt.want, ids(p.Items))
			assert.Equal(t, 0, p.NextPage)
		})
	}
	var all []*propexo.JobLog
	for l, err := range c.JobLogs.All(t.Context(), &propexo.JobLogListOptions{ListOptions: propexo.ListOptions{PerPage: 1}}) {
		require.NoError(t, err)
		all = append(all, l)
	}
	assert.Equal(t, []string{"log-other", "log-b", "log-a", "log-root"}, ids(all))

	_, _, err := c.JobLogs.List(t.Context(), &propexo.JobLogListOptions{Status: "MAYBE"})
	var apiErr *propexo.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, http.StatusBadRequest, apiErr.StatusCode)
	assert.Equal(t, "invalid_request", apiErr.Code)
	assert.Contains(t, string(apiErr.Details), "ZodError")
}

func TestJobLogsService_ListForJob(t *testing.T) {
	t.Parallel()
	s, c := fake(t)
	putJobs(t, s)
	tests := []struct {
		name string
		job  string
		opts *propexo.JobLogForJobOptions
		want []string
	}{
		{name: "spawned jobs included", job: "job-root", want: []string{"log-b", "log-a", "log-root"}},
		{name: "only this job", job: "job-root", opts: &propexo.JobLogForJobOptions{OnlyThisJob: true}, want: []string{"log-root"}},
		{name: "a leaf", job: "job-a", want: []string{"log-a"}},
		{name: "ascending", job: "job-root", opts: &propexo.JobLogForJobOptions{OrderBy: "created_at:asc"}, want: []string{"log-root", "log-a", "log-b"}},
		{name: "unknown job", job: "job-none", want: nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, _, err := c.JobLogs.ListForJob(t.Context(), tt.job, tt.opts)
			require.NoError(t, err)
			assert.Equal(t, tt.want, ids(p.Items))
			var all []*propexo.JobLog
			for l, err := range c.JobLogs.AllForJob(t.Context(), tt.job, tt.opts) {
				require.NoError(t, err)
				all = append(all, l)
			}
			assert.Equal(t, tt.want, ids(all))
		})
	}
	_, _, err := c.JobLogs.ListForJob(t.Context(), "", nil)
	require.Error(t, err)
	assert.False(t, errorsAsAPI(err), "refused before sending")
	for _, err := range c.JobLogs.AllForJob(t.Context(), "", nil) {
		require.Error(t, err)
	}
}

func TestWritesService_Get(t *testing.T) {
	t.Parallel()
	s, c := fake(t)
	s.PutWriteStatus("root-1", propexo.WriteResult{Status: propexo.WriteStatusPartialSuccess, Errors: []string{"duplicate"}, CreatedRecordID: "cl-new"})
	s.PutWriteStatus("root-2", propexo.WriteResult{Status: propexo.WriteStatusPending})
	tests := []struct {
		id     string
		want   *propexo.WriteResult
		status int
	}{
		{id: "root-1", want: &propexo.WriteResult{RootJobID: "root-1", Status: propexo.WriteStatusPartialSuccess, Errors: []string{"duplicate"}, CreatedRecordID: "cl-new"}},
		{id: "root-2", want: &propexo.WriteResult{RootJobID: "root-2", Status: propexo.WriteStatusPending, Errors: []string{}}},
		{id: "root-3", status: http.StatusNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.id, func(t *testing.T) {
			got, _, err := c.Writes.Get(t.Context(), tt.id)
			if tt.status != 0 {
				var apiErr *propexo.APIError
				require.ErrorAs(t, err, &apiErr)
				assert.Equal(t, tt.status, apiErr.StatusCode)
				return
			}
			require.NoError(t, err)
			assert.Empty(t, cmp.Diff(tt.want, got))
		})
	}
	_, _, err := c.Writes.Get(t.Context(), "")
	require.Error(t, err)
	assert.False(t, errorsAsAPI(err))
	assert.Equal(t, 3, s.Requests(http.MethodGet, "/admin/write-status/{root_job_id}"))
}

// errorsAsAPI reports whether err holds an *APIError: whether the request
// was answered.
func errorsAsAPI(err error) bool {
	var apiErr *propexo.APIError
	return errors.As(err, &apiErr)
}
