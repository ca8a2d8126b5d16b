// Package api is the REST client core on which every provider's webhook
// subscription client is built (channex, hostaway, ownerrez, propexo).
//
// A provider package creates one [Client] with its base URL, its
// [Authenticator] and an [ErrorDecoder] for its error envelope, then calls
// [Client.Do] for each endpoint and [All] for its All methods:
//
//	c, err := api.New(api.Config{
//		BaseURL:     "https://staging.channex.io/api/v1",
//		Auth:        api.HeaderKey("user-api-key", key),
//		DecodeError: decodeChannexError, // returns *api.Error
//	})
//	var out struct{ Data []webhook `json:"data"` }
//	raw, err := c.Do(ctx, api.Request{Method: "GET", Path: "/webhooks"}, &out)
//	return page, raw.Response(), err
//
// [Client.Do] returns the internal [Raw] answer, body included; callers get the
// public [Response] (status, headers, request id, [Rate], attempts) that
// [Raw.Response] builds, fed by Config.RequestIDHeader and Config.RateLimit.
//
// Provider packages re-export the caller-facing types as aliases with doc
// comments listing their fields: "type APIError = api.Error" (so that
// callers can match it with errors.As), Response, Rate, ListOptions and
// the generic Page. Lists take a ListOptions embedded in the provider's
// list options and return a *Page; All methods use [All]. Each provider's
// ClientOption functions apply this package's [Option] functions, so that
// they behave the same everywhere.
//
// # Authentication
//
// [HeaderKey], [Bearer] and [Basic] cover static credentials (Channex's
// user-api-key, Propexo's and OwnerRez's bearer tokens, OwnerRez's email and
// personal token). [ClientCredentials] fetches and caches an OAuth2
// client-credentials token (Hostaway) and, as a [Reauthenticator], renews it
// when the API answers that it expired, retrying that request exactly once.
// It can start from a saved [Token] (ClientCredentialsConfig.InitialToken),
// hands out its current one for saving (ClientCredentials.Token), and holds
// a new token back from every caller until the API accepts it
// (ClientCredentialsConfig.ActivationDelay).
//
// # Retries
//
// Requests go through go-retryablehttp with jittered exponential backoff.
// [DefaultRetryPolicy] retries idempotent methods on transport errors, 429
// and 5xx, but a POST or PATCH only when it cannot have reached the server
// (the connection could not be made) or on 429, so a create never runs
// twice; a POST or PATCH answered with a redirect (303, 307, 308) has
// reached the server and is never retried, nor re-authenticated and sent
// again, whatever the redirected request got. Retry-After is honoured on
// 429 and 503 up to [Config].RetryAfterMax; a longer wait is not slept but
// returned as the error. When retries run out, the last status and body still reach the
// caller as an [*Error], with the number of attempts.
//
// # Safety
//
// Credentials go only to the base URL's scheme and host: an absolute path
// (such as a next-page URL) or a redirect to another origin fails with
// [ErrForeignURL]. Errors and log records never contain credentials,
// request or response bodies, or query strings; a body that does not decode
// is described by a [DecodeError], which never quotes it. The client knows
// its credentials: every Authenticator of this package is a [SecretHolder]
// listing its key, token or password (with the base64 of Basic
// credentials), and [ClientCredentials] adds its client secret, its
// initial token and every token it fetched lately. A secret the endpoint
// takes elsewhere in the URL, such as a token in a path segment, is listed
// in [Request].Redact. Each of these, as given, URL-escaped or
// JSON-escaped, is replaced by "REDACTED" wherever the request is
// reported, even when the server echoes it ("invalid api key: …"): in the
// text of every error, in every field of the [*Error] (its raw Body
// included) and in every log record. Response bodies are read up to
// [MaxResponseBody]. The package holds no global state: every setting lives
// in a [Client].
package api
