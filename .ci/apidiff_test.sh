#!/usr/bin/env bash
# apidiff_test.sh: tests .ci/apidiff.sh on a throwaway git repository in a
# temporary directory (a small module with a sub-module and a command), whose
# tags are created there and deleted with it. Exits 1 when a check fails.
set -euo pipefail

script="$(cd "$(dirname "$0")" && pwd)/apidiff.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
repo="$tmp/repo"
# One apidiff build for every run below.
version=$(sed -n 's/^APIDIFF_VERSION=//p' "$script")
GOBIN="$tmp/bin" GOFLAGS= go install "golang.org/x/exp/cmd/apidiff@$version"
export APIDIFF_BIN="$tmp/bin/apidiff"
mkdir -p "$repo/cmd/tool" "$repo/sub" "$repo/util"
cd "$repo"

git init -q
git config user.email ci@example.invalid
git config user.name ci
git config commit.gpgsign false
git config tag.gpgsign false

printf 'module example.com/mini\n\ngo 1.25.0\n' >go.mod
cat >mini.go <<'EOF'
// Package mini is a module for the test of apidiff.sh.
package mini

// F is removed by the test.
func F() {}

// T has a method the test removes.
type T struct{ A int }

// M is removed by the test.
func (*T) M() {}
EOF
cat >util/util.go <<'EOF'
// Package util is removed by the test.
package util

// U is a function.
func U() {}
EOF
cat >cmd/tool/main.go <<'EOF'
// Command tool has an exported name that is not API.
package main

// Helper is removed by the test; a command's names are not API.
func Helper() {}

func main() {}
EOF
printf 'module example.com/mini/sub\n\ngo 1.25.0\n' >sub/go.mod
printf '// Package sub is a sub-module.\npackage sub\n\n// G is removed by the test.\nfunc G() {}\n' >sub/sub.go
git add -A
git commit -qm "first"

passed=0
failed=0
# run DIR...: runs apidiff.sh on the module DIRs, keeping its exit status and
# output for expect.
run() {
	status=0
	bash "$script" "$@" >"$tmp/out" 2>&1 || status=$?
	[ -z "${VERBOSE:-}" ] || sed 's/^/    | /' "$tmp/out"
}
# expect NAME STATUS REGEX [UNWANTED_REGEX]: checks the last run's exit status
# and that its output matches REGEX (and not UNWANTED_REGEX).
expect() {
	local name=$1 want=$2 re=$3 unwanted=${4:-}
	if [ "$status" -eq "$want" ] && grep -Eq -- "$re" "$tmp/out" &&
		{ [ -z "$unwanted" ] || ! grep -Eq -- "$unwanted" "$tmp/out"; }; then
		echo "ok   $name"
		passed=$((passed + 1))
	else
		echo "FAIL $name: exit $status (want $want), output:"
		sed 's/^/    /' "$tmp/out"
		failed=$((failed + 1))
	fi
}

run .
expect "no tag: nothing compared" 0 'no release tag vX\.Y\.Z'
run sub
expect "no sub-module tag: nothing compared" 0 'no release tag sub/vX\.Y\.Z'

git tag v0.1.0
git tag sub/v0.1.0
git tag v0.2.0-rc.1
run .
expect "tagged, unchanged" 0 'incompatible changes since v0\.1\.0: 0'

# The pre-release tag is not a baseline; remove F, T.M, package util and the
# command's Helper; add N.
cat >mini.go <<'EOF'
// Package mini is a module for the test of apidiff.sh.
package mini

// T has a method the test removes.
type T struct{ A int }

// N is added.
func N() {}
EOF
git rm -q -r util
printf '// Command tool.\npackage main\n\nfunc main() {}\n' >cmd/tool/main.go
git commit -qam "remove F, T.M and util"

run .
expect "removals reported, unlisted fails" 1 'NOT LISTED: name `mini\.F`' 'Helper'
expect "a method removal reported" 1 '^  - \(\*T\)\.M: removed .*NOT LISTED: name `mini\.T\.M`'
expect "compatible addition reported" 1 '^  - N: added'
expect "package removal reported" 1 'package example\.com/mini/util: removed.*NOT LISTED: name `util`'

cat >CHANGELOG.md <<'EOF'
# Changelog

## [Unreleased]

### Removed
- `mini.F`, `mini.T.M` and package `util`: gone.

## [0.1.0] - 2026-01-01
### Breaking
- `mini.F` (an old section does not count)
EOF
run .
expect "listed under another heading fails" 1 'FAIL apidiff example\.com/mini: 3 incompatible'

cat >CHANGELOG.md <<'EOF'
# Changelog

## [Unreleased]

### Breaking
- `mini.F` removed: call `N`.
- `mini.T.M` removed.

### Added
- `mini.N`, and `util` is gone (not under Breaking).
EOF
run .
expect "one of three unlisted fails" 1 '1 incompatible change\(s\) since v0\.1\.0 not listed'

printf -- '- Package `util` removed.\n- `mini.FF` (a longer name does not list F)\n' >>CHANGELOG.md
run .
expect "a heading after Breaking ends it" 1 '1 incompatible change\(s\)'

cat >CHANGELOG.md <<'EOF'
# Changelog

## [Unreleased]

### Breaking
- `mini.F` removed: call `N`.
- `mini.T.M` removed.
- Package `util` removed: its one function moved to `N`.

### Added
- `mini.N`.
EOF
run .
expect "all listed passes before v1" 0 'every incompatible change since v0\.1\.0 is listed'

printf 'package mini\n\nfunc Broken() { undefined() }\n' >broken.go
run .
expect "a tree that does not compile fails, never reads as no change" 1 'could not read the API of the working tree' 'incompatible changes since'
rm broken.go

git tag v1.0.0 HEAD~1
run .
expect "listed still fails after v1" 1 'since v1\.0\.0, a v1 or later release'
git tag -d v1.0.0 >/dev/null

git tag v0.3.0 HEAD
git checkout -q HEAD~1
run .
expect "a tag HEAD does not contain is not the baseline" 0 'since v0\.1\.0: 0'
git checkout -q -
git tag -d v0.3.0 >/dev/null

rm sub/sub.go
printf '// Package sub is a sub-module.\npackage sub\n' >sub/sub.go
git commit -qam "sub: remove G"
run . sub
expect "sub-module compared with its own prefix" 1 'FAIL apidiff example\.com/mini/sub: 1 incompatible change\(s\) since sub/v0\.1\.0'
expect "sub-module change named" 1 '^  - G: removed .*NOT LISTED: name `sub\.G`'
printf '# Changelog\n\n## [Unreleased]\n\n### Breaking\n- `sub.G` removed.\n' >sub/CHANGELOG.md
run . sub
expect "sub-module listed in its own changelog" 0 'every incompatible change since sub/v0\.1\.0 is listed in sub/CHANGELOG\.md'

if [ "$failed" -gt 0 ]; then
	echo "apidiff_test.sh: $failed of $((passed + failed)) checks FAILED"
	exit 1
fi
echo "apidiff_test.sh: all $passed checks passed"
