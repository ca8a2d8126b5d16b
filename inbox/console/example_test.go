package console_test

import (
	"context"
	"database/sql"
	"fmt"
	"net/http"
	"net/http/httptest"

	_ "modernc.org/sqlite"

	"github.com/pmshooks/pmshooks/inbox"
	"github.com/pmshooks/pmshooks/inbox/console"
)

// The console mounted under /admin/inbox/ behind the application's own
// check: here a header that a real application's session middleware would
// stand for.
func Example() {
	db, _ := sql.Open("sqlite", "file:example?mode=memory&cache=shared")
	defer db.Close()
	ib, _ := inbox.New(db, inbox.SQLite)
	if err := ib.Migrate(context.Background()); err != nil {
		panic(err)
	}
	h, err := console.New(ib, console.WithAuthorize(func(r *http.Request) bool {
		return r.Header.Get("X-User-Role") == "admin" // your authentication decides
	}))
	if err != nil {
		panic(err)
	}
	mux := http.NewServeMux()
	mux.Handle("/admin/inbox/", http.StripPrefix("/admin/inbox", h))

	for _, role := range []string{"guest", "admin"} {
		req := httptest.NewRequest(http.MethodGet, "/admin/inbox/", nil)
		req.Header.Set("X-User-Role", role)
		rec := httptest.NewRecorder()
		mux.ServeHTTP(rec, req)
		fmt.Println(role, rec.Code)
	}
	// Output:
	// guest 403
	// admin 200
}
