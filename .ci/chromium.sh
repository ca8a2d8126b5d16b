#!/usr/bin/env bash
# .ci/chromium.sh installs Chromium from the distribution's packages when it
# is missing, for the browser tests of inbox/console, and prints the line
# that points the tests at it:
#
#	eval "$(bash .ci/chromium.sh)"   # sets PMSHOOKS_TEST_CHROMIUM
#
# It is idempotent: run again, it installs nothing and prints the same line.
# Progress goes to stderr; stdout carries only the export line.
#
# Settings (environment): PMSHOOKS_CHROMIUM (default /usr/bin/chromium) is
# the browser binary to use; when it exists nothing is installed.
set -euo pipefail

BIN=${PMSHOOKS_CHROMIUM:-/usr/bin/chromium}

log() { printf 'chromium.sh: %s\n' "$*" >&2; }

if [ ! -x "$BIN" ]; then
	if [ "$(id -u)" -ne 0 ]; then
		log "must run as root to install Chromium (or set PMSHOOKS_CHROMIUM to a browser binary)"
		exit 1
	fi
	log "installing Chromium from the distribution's packages"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update >&2
	apt-get install -y --no-install-recommends chromium >&2
	if [ ! -x "$BIN" ]; then
		log "chromium installed but $BIN is missing"
		exit 1
	fi
fi

log "ready: $("$BIN" --version 2>/dev/null || echo "$BIN")"
printf "export PMSHOOKS_TEST_CHROMIUM='%s'\n" "$BIN"
