#!/bin/sh
# tests/regress/run.sh: golden tests of clausegen on the bundled sources.
#
#   sh tests/regress/run.sh BUILD/clausegen            compare with the goldens
#   sh tests/regress/run.sh --update BUILD/clausegen   rewrite the goldens
#
# cases/NAME.args holds one command-line argument per line; the goldens are
# NAME.out (stdout), NAME.err (stderr) and NAME.status (exit code). build/
# holds the expected output of `clausegen build` for every bundled contract.
# Run from the repository root. After --update, read `git diff tests/regress`
# before committing: the diff is what changed in the documents.
set -u
update=0
if [ "${1:-}" = "--update" ]; then
	update=1
	shift
fi
bin=${1:?usage: run.sh [--update] path/to/clausegen}
here=$(dirname "$0")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
failed=0
passed=0
export CLAUSEGEN_ROOT=.
export SOURCE_DATE_EPOCH=1767225600
# The source cache beside the binary, never in $HOME (ctest sets the same).
export CLAUSEGEN_CACHE_DIR="${CLAUSEGEN_CACHE_DIR:-$(dirname "$bin")/cache}"

check() { # name, expected file, actual file
	if [ $update -eq 1 ]; then
		cp "$3" "$2"
	elif ! cmp -s "$2" "$3"; then
		echo "FAIL $1: $(basename "$2") differs:"
		diff -u "$2" "$3" | head -40
		return 1
	fi
	return 0
}

for args in "$here"/cases/*.args; do
	name=$(basename "$args" .args)
	base="$here/cases/$name"
	# One argument per line: read them into the positional parameters.
	set --
	while IFS= read -r a || [ -n "$a" ]; do
		set -- "$@" "$a"
	done < "$args"
	"$bin" "$@" > "$tmp/out" 2> "$tmp/err"
	echo $? > "$tmp/status"
	ok=1
	check "$name" "$base.out" "$tmp/out" || ok=0
	check "$name" "$base.err" "$tmp/err" || ok=0
	check "$name" "$base.status" "$tmp/status" || ok=0
	if [ $ok -eq 1 ]; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
done

# The main job: every bundled contract, built twice to prove determinism:
# once with the sources from the cache (warmed by the cases above), once
# parsed with the cache off. The two must not differ by a byte.
"$bin" build -o "$tmp/build1" 2> "$tmp/build.err" || { echo "FAIL build: $(cat "$tmp/build.err")"; failed=$((failed + 1)); }
CLAUSEGEN_CACHE_DIR=off "$bin" build -o "$tmp/build2" 2>/dev/null
if diff -r "$tmp/build1" "$tmp/build2" > /dev/null; then
	passed=$((passed + 1))
else
	echo "FAIL build: two builds (source cache on, off) differ"
	failed=$((failed + 1))
fi
# Once more with selection.json and .md rendered on a second thread, as a
# build of 1,000 clauses or more does: the same bytes again.
CLAUSEGEN_TEST_THREAD_MIN=0 "$bin" build -o "$tmp/build3" 2>/dev/null
if diff -r "$tmp/build1" "$tmp/build3" > /dev/null; then
	passed=$((passed + 1))
else
	echo "FAIL build: builds with and without the rendering thread differ"
	failed=$((failed + 1))
fi
if [ $update -eq 1 ]; then
	rm -rf "$here/build"
	cp -r "$tmp/build1" "$here/build"
	# Stamps hash every input: they change with any edit and are tested
	# in check_batch, not kept as goldens.
	find "$here/build" -name .clausegen-inputs -exec rm {} +
	# PDFs are tested by tests/pdf/run.sh (text, fonts, pages), not as
	# binary goldens.
	find "$here/build" -name '*.pdf' -exec rm {} +
elif diff -ru -x .clausegen-inputs -x '*.pdf' "$here/build" "$tmp/build1" > "$tmp/build.diff"; then
	passed=$((passed + 1))
else
	echo "FAIL build: output differs from tests/regress/build:"
	head -60 "$tmp/build.diff"
	failed=$((failed + 1))
fi

echo "regress: $passed passed, $failed failed"
[ $failed -eq 0 ]
