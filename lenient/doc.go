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
// null decodes to the zero value of each type. A value of the wrong kind
// altogether (an object where an id belongs) is still an error.
package lenient
