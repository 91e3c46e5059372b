#!/bin/sh
# tests/browser/run.sh: the guideline site in a real browser (Debian's
# headless Chromium driven by playwright-core). Run from the repository root:
#
#   sh tests/browser/run.sh path/to/clausegen
#
# Installs what is missing: chromium (and node/npm) with apt-get, and
# playwright-core with `npm ci` from package-lock.json into a work directory
# beside the binary (BUILD/browser; npm's cache makes a rerun offline).
# Screenshots go to $SCREENSHOTS (default BUILD/screenshots).
set -eu
bin=$(cd "$(dirname "${1:?usage: run.sh path/to/clausegen}")" && pwd)/$(basename "$1")
here=$(cd "$(dirname "$0")" && pwd)
work=$(dirname "$bin")/browser

need=""
[ -x "${CHROMIUM:-/usr/bin/chromium}" ] || need="$need chromium"
command -v node >/dev/null 2>&1 || need="$need nodejs"
command -v npm >/dev/null 2>&1 || need="$need npm"
if [ -n "$need" ]; then
	echo "browser: installing:$need" >&2
	if [ "$(id -u)" -eq 0 ]; then sudo=""; else sudo="sudo"; fi
	export DEBIAN_FRONTEND=noninteractive
	$sudo apt-get update -q
	# shellcheck disable=SC2086
	$sudo apt-get install -y -q --no-install-recommends $need
fi

mkdir -p "$work"
cp "$here/package.json" "$here/package-lock.json" "$here/site.test.mjs" "$work/"
# npm ci only when the lock file changed since the last install.
if ! cmp -s "$here/package-lock.json" "$work/node_modules/.clausegen-lock" 2>/dev/null; then
	(cd "$work" && npm ci --prefer-offline --no-audit --no-fund --loglevel=error)
	cp "$here/package-lock.json" "$work/node_modules/.clausegen-lock"
fi
export SCREENSHOTS="${SCREENSHOTS:-$(dirname "$bin")/screenshots}"
export CLAUSEGEN_ROOT="${CLAUSEGEN_ROOT:-$(cd "$here/../.." && pwd)}"
# The source cache beside the binary, never in $HOME (ctest sets the same).
export CLAUSEGEN_CACHE_DIR="${CLAUSEGEN_CACHE_DIR:-$(dirname "$bin")/cache}"
exec node "$work/site.test.mjs" "$bin"
