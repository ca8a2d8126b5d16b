package verify_test

import (
	"bytes"
	"crypto/sha1"
	"fmt"
	"io"
	"net/http"
	"testing"

	"github.com/pmshooks/pmshooks/verify"
)

func byteReader(b []byte) io.Reader { return bytes.NewReader(b) }

func BenchmarkVerify(b *testing.B) {
	sha256V, _ := verify.NewHMAC(verify.HMACConfig{Header: "X-Sig", Secrets: []string{"current", "previous"}})
	sha1V, _ := verify.NewHMAC(verify.HMACConfig{Header: "X-Sig", Hash: sha1.New, Secrets: []string{"current"}})
	basic, _ := verify.NewBasic(verify.Credentials{User: "u", Password: "p"}, verify.Credentials{User: "u", Password: "q"})
	tok, _ := verify.NewToken("X-Sig", "current", "previous")
	for _, size := range []int{1 << 10, 64 << 10} {
		body := bytes.Repeat([]byte("a"), size)
		for _, tc := range []struct {
			name string
			v    interface {
				verify.Verifier
				verify.Signer
			}
		}{{"hmac-sha256-2secrets", sha256V}, {"hmac-sha1", sha1V}, {"basic-2pairs", basic}, {"token-2", tok}} {
			b.Run(fmt.Sprintf("%s/%dKiB", tc.name, size>>10), func(b *testing.B) {
				h := http.Header{}
				tc.v.Sign(h, body)
				b.ReportAllocs()
				b.SetBytes(int64(size))
				for b.Loop() {
					if err := tc.v.Verify(h, body); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

func BenchmarkReadBody(b *testing.B) {
	// 1 MiB is beyond what ReadBody reserves up front, so its buffer grows.
	for _, size := range []int{1 << 10, 64 << 10, 1 << 20} {
		body := bytes.Repeat([]byte("a"), size)
		b.Run(fmt.Sprintf("%dKiB", size>>10), func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(size))
			for b.Loop() {
				r := &http.Request{Body: io.NopCloser(bytes.NewReader(body)), ContentLength: int64(size)}
				if _, err := verify.ReadBody(r, 0); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
