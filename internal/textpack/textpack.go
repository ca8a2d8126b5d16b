// Package textpack makes the short strings of one normalized event (its id,
// version and record ids) with one allocation rather than one each: they
// are born and die with their event, so one backing array can serve them
// all.
package textpack

// size is how many bytes of text a Pack holds; a text past it is made on
// its own, as it would be without a Pack.
const size = 256

// Pack collects texts and makes them all by one conversion in Done.
// Declare it as a local variable, so that it lives on the stack, and do not
// take its address beyond calls of its methods (a pointer stored through
// would move what it points to to the heap): that is why Add returns a
// handle rather than storing into a string. Its zero value is ready; a
// Pack is used once.
type Pack struct {
	buf [size]byte
	n   int
	s   string
}

// Text is a handle on a text added to a Pack; its zero value is the empty
// text.
type Text struct {
	start, end int
	own        string // a text that did not fit
}

// Add adds a copy of text (text may be reused at once) and returns its
// handle, for String after Done.
func (p *Pack) Add(text []byte) Text {
	if len(text) > size-p.n {
		return Text{own: string(text)}
	}
	start := p.n
	p.n += copy(p.buf[p.n:], text)
	return Text{start: start, end: p.n}
}

// Done makes the texts added so far, all parts of one new string.
func (p *Pack) Done() {
	p.s = string(p.buf[:p.n])
}

// String returns the text of t, a handle Add returned before Done.
func (p *Pack) String(t Text) string {
	if t.end == 0 {
		return t.own
	}
	return p.s[t.start:t.end]
}
