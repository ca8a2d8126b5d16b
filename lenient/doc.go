// Package lenient holds the JSON field types that pmshooks' provider packages
// decode loosely typed payloads into. Property-management systems are not
// strict about JSON types: an id is a number in one delivery and a string in
// the next, a flag is true, 1 or "1", an amount is 830.00 or "830.00", a
// timestamp has a zone or not. Each type here accepts every such spelling and
// keeps the value exactly, so that drift never fails a delivery and money
// never passes through float64.
//
//	var b struct {
//		ID     lenient.String  `json:"id"`      // 42 or "42"
//		Paid   lenient.Bool    `json:"paid"`    // true, 1, "1", "true"
//		Amount lenient.Decimal `json:"amount"`  // 830.00 or "830.00", kept as "830.00"
//		At     lenient.Time    `json:"at"`      // RFC 3339, or without a zone
//	}
//
// # Values that cannot be read
//
// Decoding never fails. A value that is not what its field holds (the
// string "forged" where a timestamp belongs, 4.5 where an integer belongs, an
// object where an amount belongs) leaves the value zero and is kept, flagged:
// Int, Bool, Decimal and Time have an Unparsed field holding the text as sent
// (for a JSON string its text; for any other kind the raw JSON text of the
// value, cut to at most MaxUnparsed bytes) and an IsUnparsed method. A
// provider that sent one odd value still delivers its event; the handler can
// see what was sent. MarshalJSON writes Unparsed back as a JSON string, so a
// decoded value survives a round trip.
//
// String has no flag: any JSON value is text to it. An object or array where
// text belongs is kept as its raw JSON text (cut to MaxUnparsed bytes).
//
// The zero value of each type means "not given": null, "", a blank string
// and an absent field all decode to it, and IsZero reports it. An unparsed
// value is not zero (it was given), so `omitzero` keeps it.
package lenient
