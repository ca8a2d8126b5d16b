#!/usr/bin/env bash
# apidiff.sh: compare the exported API of Go modules of this repository with
# their last release tag, print the changes, and check that CHANGELOG.md lists
# every incompatible one. README.md ("Versioning") states the same rules for
# users; .ci/apidiff_test.sh tests this script on a throwaway repository.
#
# Usage: bash .ci/apidiff.sh MODULE_DIR...
#   run from inside a git checkout; MODULE_DIR is relative to its top ("." for
#   the root module). Only published modules are passed (.ci/run lists them).
#
# The rules:
#   - A module's release tags are Go's: "vX.Y.Z" for the root module,
#     "DIR/vX.Y.Z" for the module in directory DIR (otel/v0.1.0).
#   - The baseline is the highest such tag that HEAD contains, without a
#     pre-release suffix, whose major version matches the module path (no /vN
#     suffix: v0 or v1; a /vN suffix: vN).
#   - No baseline: the script says so and compares nothing (exit 0).
#   - Otherwise apidiff compares the baseline's tree with the working tree, the
#     whole module at once; internal packages and main packages (commands,
#     examples) are not API and are left out.
#   - Each incompatible change must be listed in DIR/CHANGELOG.md: in its
#     "## [Unreleased]" section, under a "### Breaking" heading, a line that
#     names it as `pkg.Name` (the package's last path element or its path in
#     the module, then the name apidiff prints with a pointer receiver's "(*T)"
#     written T: `eventtest.Recorder.Reset`, `verify.Credentials.Realm`); a
#     package removed as a whole is named by its path in the module
#     (`event/eventtest`). Any other wording may follow on the line.
#   - Baseline v0.x.y: listed incompatible changes are reported and pass (before
#     v1 a minor version may break); one not listed fails.
#   - Baseline v1 or later: every incompatible change fails, listed or not: it
#     needs a new major version, which in Go is a new module path (/v2).
# Exit status: 0 pass, 1 a check failed, 2 usage.
set -euo pipefail

APIDIFF_VERSION=v0.0.0-20261113113407-e3970619a1a4

if [ $# -eq 0 ]; then
	echo "usage: bash .ci/apidiff.sh MODULE_DIR..." >&2
	exit 2
fi
if ! top=$(git rev-parse --show-toplevel 2>/dev/null); then
	echo "apidiff: not a git checkout: no release tag to compare with, nothing compared"
	exit 0
fi
cd "$top"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
apidiff_bin=""

# APIDIFF_BIN, when set, names an apidiff binary already built at
# APIDIFF_VERSION (apidiff_test.sh builds it once for all its runs).
install_apidiff() {
	if [ -z "$apidiff_bin" ] && [ -n "${APIDIFF_BIN:-}" ]; then
		apidiff_bin=$APIDIFF_BIN
	fi
	if [ -z "$apidiff_bin" ]; then
		GOBIN="$tmp/bin" GOFLAGS= go install "golang.org/x/exp/cmd/apidiff@$APIDIFF_VERSION"
		apidiff_bin="$tmp/bin/apidiff"
	fi
}

# main_packages DIR MODPATH: the main packages of the module in DIR, each as
# the "./rel" form apidiff prints (the module's root package as ".").
main_packages() {
	(cd "$1" && go list -e -f '{{if eq .Name "main"}}{{.ImportPath}}{{end}}' ./... 2>/dev/null) |
		sed -n "s|^$2\$|.|p; s|^$2/|./|p"
}

# regex_quote TEXT: TEXT as an extended regular expression matching itself.
regex_quote() {
	printf '%s' "$1" | sed 's/[][\.*^$()+?{}|]/\\&/g'
}

# breaking_section FILE: the lines under "### Breaking" in the Unreleased
# section of the changelog FILE (nothing when FILE does not exist).
breaking_section() {
	[ -f "$1" ] || return 0
	awk '
		/^## / { unreleased = ($0 ~ /^## \[?[Uu]nreleased\]?/); breaking = 0; next }
		/^### / { breaking = unreleased && ($0 ~ /^### [Bb]reaking/); next }
		breaking { print }
	' "$1"
}

# listed SECTION_FILE KEY...: whether a line of SECTION_FILE names one of the
# KEYs as a whole (not as part of a longer name).
listed() {
	local section=$1 key
	shift
	for key in "$@"; do
		if grep -Eq "(^|[^A-Za-z0-9_.])$(regex_quote "$key")([^A-Za-z0-9_]|\$)" "$section"; then
			return 0
		fi
	done
	return 1
}

failed=0
n=0
for dir in "$@"; do
	n=$((n + 1))
	dir=${dir%/}
	dir=${dir#./}
	[ -n "$dir" ] || dir=.
	if [ ! -f "$dir/go.mod" ]; then
		echo "apidiff: $dir/go.mod: no such module" >&2
		exit 2
	fi
	modpath=$(cd "$dir" && GOFLAGS= go list -m)
	prefix=""
	[ "$dir" = . ] || prefix="$dir/"
	if [[ $modpath =~ /v([0-9]+)$ ]]; then
		majors="^v${BASH_REMATCH[1]}\."
	else
		majors='^v[01]\.'
	fi

	baseline=$(git tag --list "${prefix}v*" --merged HEAD |
		sed "s|^${prefix}||" |
		grep -E '^v[0-9]+\.[0-9]+\.[0-9]+$' |
		grep -E "$majors" |
		sort -V | tail -n 1 || true)
	if [ -z "$baseline" ]; then
		note=""
		if [ "$(git rev-parse --is-shallow-repository)" = true ]; then
			note=" (this clone is shallow: fetch the tags to compare)"
		fi
		echo "apidiff $modpath: no release tag ${prefix}vX.Y.Z in this history$note;" \
			"nothing to compare: the first tag becomes the baseline"
		continue
	fi
	tag="${prefix}${baseline}"
	echo "apidiff $modpath: $tag -> working tree (apidiff $APIDIFF_VERSION)"
	install_apidiff

	old="$tmp/old$n"
	mkdir "$old"
	git archive "$tag" | tar -x -C "$old"
	oldmod=$(cd "$old/$dir" && GOFLAGS= go list -m)
	# apidiff notes each internal package it leaves out on stderr: drop those.
	# A tree that does not load (a compile error) fails the check: it is never
	# read as "no change".
	if ! (cd "$old/$dir" && "$apidiff_bin" -m -w "$tmp/old$n.export" "$oldmod") 2>"$tmp/stderr$n"; then
		grep -v '^Ignoring internal package ' "$tmp/stderr$n" >&2 || true
		echo "FAIL apidiff $modpath: could not read the API of $tag (errors above)"
		exit 1
	fi
	if ! (cd "$dir" && "$apidiff_bin" -m -w "$tmp/new$n.export" "$modpath") 2>"$tmp/stderr$n"; then
		grep -v '^Ignoring internal package ' "$tmp/stderr$n" >&2 || true
		echo "FAIL apidiff $modpath: could not read the API of the working tree (errors above)"
		exit 1
	fi
	if ! "$apidiff_bin" -m "$tmp/old$n.export" "$tmp/new$n.export" >"$tmp/report$n" 2>"$tmp/stderr$n"; then
		grep -v '^Ignoring internal package ' "$tmp/stderr$n" >&2 || true
		echo "FAIL apidiff $modpath: could not compare the APIs (errors above)"
		exit 1
	fi
	grep -v '^Ignoring internal package ' "$tmp/stderr$n" >&2 || true

	# Leave out the main packages of either tree: they cannot be imported.
	{ main_packages "$old/$dir" "$oldmod"; main_packages "$dir" "$modpath"; } | sort -u >"$tmp/main$n"
	: >"$tmp/skip$n"
	while IFS= read -r pkg; do
		if [ "$pkg" = . ]; then
			printf '%s\n' '^- [^.][^ :]*:' '^- package '"$(regex_quote "$modpath")"':' >>"$tmp/skip$n"
		else
			printf '%s\n' "^- $(regex_quote "$pkg")\\." "^- package $(regex_quote "$modpath/${pkg#./}"):" >>"$tmp/skip$n"
		fi
	done <"$tmp/main$n"
	if [ -s "$tmp/skip$n" ]; then
		grep -Ev -f "$tmp/skip$n" "$tmp/report$n" >"$tmp/api$n" || [ $? -eq 1 ]
	else
		cp "$tmp/report$n" "$tmp/api$n"
	fi

	awk '/^Incompatible changes:/ { on = 1; next } /^[A-Z]/ { on = 0 } on && /^- / { print }' \
		"$tmp/api$n" >"$tmp/incompatible$n"
	awk '/^Compatible changes:/ { on = 1; next } /^[A-Z]/ { on = 0 } on && /^- / { print }' \
		"$tmp/api$n" >"$tmp/compatible$n"
	echo "compatible changes since $tag: $(wc -l <"$tmp/compatible$n")"
	sed 's/^/  /' "$tmp/compatible$n"
	echo "incompatible changes since $tag: $(wc -l <"$tmp/incompatible$n")"
	[ -s "$tmp/incompatible$n" ] || continue

	changelog=CHANGELOG.md
	[ "$dir" = . ] || changelog="$dir/CHANGELOG.md"
	breaking_section "$changelog" >"$tmp/breaking$n"
	pkgname=${modpath##*/}
	[[ ! $pkgname =~ ^v[0-9]+$ ]] || { pkgname=${modpath%/*}; pkgname=${pkgname##*/}; }
	unlisted=0
	while IFS= read -r line; do
		subject=${line#- }
		subject=${subject%%: *}
		case $subject in
		"package "*)
			path=${subject#package }
			keys=("$path" "${path#"$modpath"/}")
			;;
		./*)
			subject=${subject#./}
			pkg=${subject%%.*}
			name=${subject#*.}
			name=${name//\(\*/}
			name=${name//\(/}
			name=${name//\)/}
			keys=("$pkg.$name" "${pkg##*/}.$name")
			;;
		*)
			name=${subject//\(\*/}
			name=${name//\(/}
			name=${name//\)/}
			keys=("$pkgname.$name")
			;;
		esac
		if listed "$tmp/breaking$n" "${keys[@]}"; then
			echo "  $line  (CHANGELOG.md: listed)"
		else
			echo "  $line  (CHANGELOG.md: NOT LISTED: name \`${keys[-1]}\` under \"### Breaking\" in \"## [Unreleased]\")"
			unlisted=$((unlisted + 1))
		fi
	done <"$tmp/incompatible$n"

	if [[ $baseline != v0.* ]]; then
		echo "FAIL apidiff $modpath: incompatible changes since $tag, a v1 or later release:" \
			"they need a new major version, which in Go is a new module path (a /vN suffix)"
		failed=1
	elif [ "$unlisted" -gt 0 ]; then
		echo "FAIL apidiff $modpath: $unlisted incompatible change(s) since $tag not listed in $changelog"
		failed=1
	else
		echo "apidiff $modpath: every incompatible change since $tag is listed in $changelog" \
			"(before v1 a minor version may break the API)"
	fi
done
exit "$failed"
