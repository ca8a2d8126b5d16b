package main

import (
	"bytes"
	"errors"
	"flag"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCLI_parse(t *testing.T) {
	t.Parallel()
	tests := map[string]struct {
		args    []string
		wantPos []string
		wantURL string
		wantV   bool
	}{
		"flags last":          {[]string{"a", "b", "--url", "u", "-v"}, []string{"a", "b"}, "u", true},
		"flags first":         {[]string{"--url=u", "a", "b"}, []string{"a", "b"}, "u", false},
		"flags between":       {[]string{"a", "-v", "b", "-url", "u"}, []string{"a", "b"}, "u", true},
		"dash is an argument": {[]string{"a", "-", "-v"}, []string{"a", "-"}, "", true},
		"double dash ends":    {[]string{"a", "--", "-v", "--url"}, []string{"a", "-v", "--url"}, "", false},
		"nothing":             {nil, nil, "", false},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			c := newCLI("pmshooks test", "Usage: test\n")
			url := c.String("url", "", "")
			v := c.Bool("v", false, "")
			pos, err := c.parse(&bytes.Buffer{}, tt.args)
			require.NoError(t, err)
			assert.Equal(t, tt.wantPos, pos)
			assert.Equal(t, tt.wantURL, *url)
			assert.Equal(t, tt.wantV, *v)
		})
	}
}

func TestCLI_parse_errors(t *testing.T) {
	t.Parallel()
	c := newCLI("pmshooks test", "Usage:\n  pmshooks test X\n")
	c.String("url", "", "post to `URL`")
	c.Bool("v", false, "be verbose")
	c.String("secret", "", "hidden")
	c.hidden["secret"] = true

	var out bytes.Buffer
	_, err := c.parse(&out, []string{"x", "--help"})
	require.ErrorIs(t, err, flag.ErrHelp)
	assert.Equal(t, "Usage:\n  pmshooks test X\n\nFlags:\n  --url URL   post to URL\n  -v          be verbose\n  -h, --help  show this help\n", out.String())

	_, err = newCLI("pmshooks test", "").parse(&out, []string{"--nope"})
	var ue *usageError
	require.True(t, errors.As(err, &ue))
	assert.Equal(t, "pmshooks test", ue.cmd)
	assert.Equal(t, "flag provided but not defined: -nope", ue.msg)
}

func TestHeaderFlag(t *testing.T) {
	t.Parallel()
	var f headerFlag
	assert.Equal(t, http.Header{}, f.header())
	require.NoError(t, f.Set("X-One: a"))
	require.NoError(t, f.Set("x-one:b"))
	require.NoError(t, f.Set("Authorization: Basic abc:def"))
	require.NoError(t, f.Set("X-Empty:"))
	assert.Equal(t, http.Header{"X-One": {"a", "b"}, "Authorization": {"Basic abc:def"}, "X-Empty": {""}}, f.header())
	for _, bad := range []string{"novalue", ": v", "Two Words: v"} {
		assert.Error(t, f.Set(bad), bad)
	}
}
