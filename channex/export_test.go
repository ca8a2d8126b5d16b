package channex

import "time"

// Exported for the tests of package channex_test only.

// SetSourcePageSize sets how many revisions one Changes reads, so that
// tests cross page boundaries with few revisions.
func SetSourcePageSize(s *Source, n int) { s.pageSize = n }

// SetSourceClock sets the clock that stamps when a page was listed.
func SetSourceClock(s *Source, now func() time.Time) { s.now = now }
