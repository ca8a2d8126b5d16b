// Package colocate puts two values that live and die together in one
// allocation: a provider's delivery and its typed record, say.
package colocate

// With returns a copy of *w on the heap and a new T beside it, in one
// allocation.
func With[W, T any](w *W) (*W, *T) {
	x := &struct {
		w W
		t T
	}{w: *w}
	return &x.w, &x.t
}

// New returns a new W and a new T beside it, in one allocation.
func New[W, T any]() (*W, *T) {
	x := new(struct {
		w W
		t T
	})
	return &x.w, &x.t
}
