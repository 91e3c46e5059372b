#!/bin/sh
# tests/coverage.sh: branch (and line) coverage of src/ by the whole test
# suite, per file and in total (docs/hardening.md).
#
#   sh tests/coverage.sh [BUILD_DIR]      default build-cov
#
# Builds with gcc --coverage -O0 into BUILD_DIR, runs ctest there, and
# prints gcovr's branch report for src/ (gcovr is installed with apt-get
# when missing; without it, gcov's own per-file summary is printed).
# COVERAGE_FILES="src/a.c src/b.c" limits the total to those files too.
set -eu
cd "$(dirname "$0")/.."
build=${1:-build-cov}

if ! command -v gcovr >/dev/null 2>&1; then
	sudo=""
	[ "$(id -u)" -eq 0 ] || sudo="sudo"
	DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends gcovr ||
		echo "coverage: gcovr not available; falling back to gcov" >&2
fi

cmake -U CLAUSEGEN_UNIT_SUITES -S . -B "$build" -DCMAKE_BUILD_TYPE=Debug -DCMAKE_C_FLAGS="--coverage -O0 -DCLAUSEGEN_COVERAGE" \
	-DCMAKE_EXE_LINKER_FLAGS=--coverage -DCLAUSEGEN_WERROR=ON >/dev/null
cmake --build "$build" -j "$(nproc 2>/dev/null || echo 2)" >/dev/null
find "$build" -name '*.gcda' -delete
ctest --test-dir "$build" -j "$(nproc 2>/dev/null || echo 2)" --output-on-failure >&2 || {
	echo "coverage: some tests failed (coverage below is still printed)" >&2
}

if command -v gcovr >/dev/null 2>&1; then
	# Branches on lines of assert()-style impossibilities still count:
	# nothing is excluded by pattern.
	echo "== branch coverage of src/"
	gcovr -r . "$build" --object-directory "$build" --filter 'src/' --branches \
		--exclude-unreachable-branches
	echo "== line coverage of src/"
	gcovr -r . "$build" --object-directory "$build" --filter 'src/' | tail -n 3
	if [ -n "${COVERAGE_FILES:-}" ]; then
		filters=""
		for f in $COVERAGE_FILES; do
			filters="$filters --filter $(echo "$f" | sed 's/\./\\./g')"
		done
		echo "== branch coverage of: $COVERAGE_FILES"
		# shellcheck disable=SC2086
		gcovr -r . "$build" --object-directory "$build" $filters --branches \
			--exclude-unreachable-branches | tail -n 3
	fi
else
	echo "== branch coverage of src/ (gcov)"
	# The PDF back-end's objects are their own target (the module's).
	for gcda in "$build"/CMakeFiles/clausegen_core.dir/src/*.gcda \
		"$build"/CMakeFiles/clausegen_pdf_objs.dir/src/*.gcda; do
		gcov -b -n -o "$(dirname "$gcda")" "src/$(basename "$gcda" .c.gcda).c" 2>/dev/null |
			awk '/^File/ {f=$2} /^Taken at least once/ {print f, $0}'
	done
fi
