//go:build race

package testutil

// raceEnabled reports whether the race detector is on: it changes what
// escapes to the heap, so allocation counts are not comparable.
const raceEnabled = true
