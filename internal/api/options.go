package api

import (
	"log/slog"
	"net/http"
	"time"
)

// Option sets one field of a Config. The provider packages' ClientOption
// functions apply these, so that every provider's WithBaseURL, WithLogger,
// ... behaves the same. Nil values are ignored where the comment says so.
type Option func(*Config)

// WithBaseURL sets Config.BaseURL; "" keeps the current value (the
// provider's default).
func WithBaseURL(u string) Option {
	return func(c *Config) {
		if u != "" {
			c.BaseURL = u
		}
	}
}

// WithHTTPClient sets Config.HTTPClient; nil keeps the current value.
func WithHTTPClient(hc *http.Client) Option {
	return func(c *Config) {
		if hc != nil {
			c.HTTPClient = hc
		}
	}
}

// WithLogger sets Config.Logger; nil keeps the current value.
func WithLogger(l *slog.Logger) Option {
	return func(c *Config) {
		if l != nil {
			c.Logger = l
		}
	}
}

// WithUserAgent sets Config.UserAgent; "" means DefaultUserAgent.
func WithUserAgent(ua string) Option {
	return func(c *Config) { c.UserAgent = ua }
}

// WithRetryMax sets Config.RetryMax: 0 means DefaultRetryMax, a negative n
// disables retries.
func WithRetryMax(n int) Option {
	return func(c *Config) { c.RetryMax = n }
}

// WithRetryWait sets Config.RetryWaitMin and RetryWaitMax; zero means their
// defaults. New fails when minWait exceeds maxWait or either is negative.
func WithRetryWait(minWait, maxWait time.Duration) Option {
	return func(c *Config) { c.RetryWaitMin, c.RetryWaitMax = minWait, maxWait }
}

// WithRetryAfterMax sets Config.RetryAfterMax; 0 means DefaultRetryAfterMax.
func WithRetryAfterMax(d time.Duration) Option {
	return func(c *Config) { c.RetryAfterMax = d }
}
