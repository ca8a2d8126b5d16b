package verify_test

import (
	"crypto/sha1"
	"errors"
	"fmt"
	"net/http"

	"github.com/pmshooks/pmshooks/verify"
)

func Example() {
	v, err := verify.NewHMAC(verify.HMACConfig{
		Header:  "X-Signature",
		Prefix:  "sha256=",
		Secrets: []string{"current-secret"},
	})
	if err != nil {
		panic(err)
	}
	body := []byte(`{"event":"booking_created"}`)

	h := http.Header{}
	v.Sign(h, body) // what the provider would send
	fmt.Println(v.Verify(h, body))

	err = v.Verify(h, []byte(`{"event":"booking_cancelled"}`))
	fmt.Println(errors.Is(err, verify.ErrInvalidSignature))
	// Output:
	// <nil>
	// true
}

// Several secrets at once: deliveries signed with the old secret keep passing
// while the provider switches to the new one.
func Example_keyRotation() {
	old, _ := verify.NewHMAC(verify.HMACConfig{Header: "X-Content-Signature", Hash: sha1.New, Secrets: []string{"old-secret"}})
	v, _ := verify.NewHMAC(verify.HMACConfig{Header: "X-Content-Signature", Hash: sha1.New, Secrets: []string{"new-secret", "old-secret"}})

	body := []byte(`{}`)
	h := http.Header{}
	old.Sign(h, body)
	fmt.Println(v.Verify(h, body))
	// Output: <nil>
}

func ExampleNewBasic() {
	v, err := verify.NewBasic(
		verify.Credentials{User: "hooks", Password: "new-password"},
		verify.Credentials{User: "hooks", Password: "old-password"},
	)
	if err != nil {
		panic(err)
	}
	r, _ := http.NewRequest(http.MethodPost, "https://example.com/hooks", nil)
	r.SetBasicAuth("hooks", "old-password")
	fmt.Println(v.Verify(r.Header, nil))
	// Output: <nil>
}

func ExampleNewToken() {
	v, err := verify.NewToken("X-Channex-Secret", "0f8e6a")
	if err != nil {
		panic(err)
	}
	h := http.Header{"X-Channex-Secret": {"wrong"}}
	fmt.Println(errors.Is(v.Verify(h, nil), verify.ErrUnauthorized))
	// Output: true
}

func ExampleNewHMAC_failClosed() {
	_, err := verify.NewHMAC(verify.HMACConfig{Header: "X-Signature", Secrets: []string{""}})
	fmt.Println(errors.Is(err, verify.ErrNoSecret))
	// Output: true
}

// A server checks the headers before it reads the body, so a request without
// a signature is refused without buffering it; Verify still judges the body.
func ExampleHMAC_VerifyHeader() {
	v, err := verify.NewHMAC(verify.HMACConfig{Header: "X-Signature", Secrets: []string{"current-secret"}})
	if err != nil {
		panic(err)
	}
	body := []byte(`{"event":"booking_created"}`)

	err = v.VerifyHeader(http.Header{})
	fmt.Println(errors.Is(err, verify.ErrMissingSignature))

	h := http.Header{}
	v.Sign(h, []byte(`{"event":"something else"}`))
	fmt.Println(v.VerifyHeader(h)) // well formed, so it passes here...
	err = v.Verify(h, body)        // ...but not the check against the body
	fmt.Println(errors.Is(err, verify.ErrInvalidSignature))
	// Output:
	// true
	// <nil>
	// true
}
