// Package testing holds the test of the README's "Testing your handler"
// section, written from the README alone: one call per delivery tests a
// Hostaway and an OwnerRez cancellation through event.NewHTTPHandler and an
// event.Mux. It has no code of its own.
package testing
