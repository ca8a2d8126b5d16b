package api_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"

	"github.com/pmshooks/pmshooks/internal/api"
)

// Example builds a client the way a provider package does: a base URL with
// a path prefix, a header API key and a decoder for the provider's error
// envelope, here Channex's {"errors":{"code","title","details"}}.
func Example() {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("user-api-key") != "key" {
			w.WriteHeader(http.StatusUnauthorized)
			io.WriteString(w, `{"errors":{"code":"unauthorized","title":"Unauthorized"}}`)
			return
		}
		switch r.URL.Path {
		case "/api/v1/webhooks":
			io.WriteString(w, `{"data":[{"id":"wh_1","type":"webhook","attributes":{"callback_url":"https://example.com/hook"}}]}`)
		default:
			w.WriteHeader(http.StatusNotFound)
			io.WriteString(w, `{"errors":{"code":"resource_not_found","title":"Resource Not Found"}}`)
		}
	}))
	defer srv.Close()

	decodeChannexError := func(resp *http.Response, body []byte) error {
		var env struct {
			Errors struct {
				Code    string          `json:"code"`
				Title   string          `json:"title"`
				Details json.RawMessage `json:"details"`
			} `json:"errors"`
		}
		if err := json.Unmarshal(body, &env); err != nil {
			return &api.Error{Err: err}
		}
		return &api.Error{Code: env.Errors.Code, Message: env.Errors.Title, Details: env.Errors.Details}
	}
	c, err := api.New(api.Config{
		BaseURL:     srv.URL + "/api/v1",
		Auth:        api.HeaderKey("user-api-key", "key"),
		DecodeError: decodeChannexError,
	})
	if err != nil {
		panic(err)
	}

	var list struct {
		Data []struct {
			ID         string `json:"id"`
			Attributes struct {
				CallbackURL string `json:"callback_url"`
			} `json:"attributes"`
		} `json:"data"`
	}
	if _, err := c.Do(context.Background(), api.Request{Path: "/webhooks"}, &list); err != nil {
		panic(err)
	}
	fmt.Println(list.Data[0].ID, list.Data[0].Attributes.CallbackURL)

	_, err = c.Do(context.Background(), api.Request{Method: http.MethodDelete, Path: "/webhooks/missing"}, nil)
	var apiErr *api.Error
	if errors.As(err, &apiErr) {
		fmt.Println(apiErr.StatusCode, apiErr.Code)
	}
	fmt.Println(err)
	// Output:
	// wh_1 https://example.com/hook
	// 404 resource_not_found
	// api: DELETE /api/v1/webhooks/missing: 404 resource_not_found: Resource Not Found
}

// ExampleNewClientCredentials fetches and caches an OAuth2 client-credentials
// token, as Hostaway requires, through the client that then uses it.
func ExampleNewClientCredentials() {
	tokenRequests := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/v1/accessTokens" {
			tokenRequests++
			io.WriteString(w, `{"token_type":"Bearer","expires_in":63072000,"access_token":"jwt-1"}`)
			return
		}
		fmt.Fprintf(w, `{"status":"success","result":%q}`, r.Header.Get("Authorization"))
	}))
	defer srv.Close()

	base, err := api.New(api.Config{BaseURL: srv.URL})
	if err != nil {
		panic(err)
	}
	tokens, err := api.NewClientCredentials(base, api.ClientCredentialsConfig{
		TokenURL: "/v1/accessTokens", ClientID: "12345", ClientSecret: "secret", Scope: "general",
	})
	if err != nil {
		panic(err)
	}
	c := base.WithAuth(tokens)

	for range 2 {
		var out struct{ Result string }
		if _, err := c.Do(context.Background(), api.Request{Path: "/v1/webhooks/unifiedWebhooks"}, &out); err != nil {
			panic(err)
		}
		fmt.Println(out.Result)
	}
	fmt.Println("token requests:", tokenRequests)
	// Output:
	// Bearer jwt-1
	// Bearer jwt-1
	// token requests: 1
}

// ExamplePages walks an offset-paginated list, as a provider's All method
// does.
func ExamplePages() {
	items := []string{"a", "b", "c"}
	fetch := func(ctx context.Context, cursor string) ([]string, string, error) {
		offset, err := strconv.Atoi(cursor)
		if err != nil {
			return nil, "", err
		}
		end := min(offset+2, len(items))
		next := ""
		if end < len(items) {
			next = strconv.Itoa(end)
		}
		return items[offset:end], next, nil
	}
	for item, err := range api.Pages(context.Background(), "0", fetch) {
		if err != nil {
			fmt.Println("error:", err)
			break
		}
		fmt.Println(item)
	}
	// Output:
	// a
	// b
	// c
}
