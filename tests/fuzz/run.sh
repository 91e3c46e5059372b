#!/bin/sh
# tests/fuzz/run.sh: runs the libFuzzer targets one after the other, each for
# its share of minutes, restarting a target after a crash until its time is
# spent (docs/hardening.md).
#
#   sh tests/fuzz/run.sh [BUILD_DIR [LOG_DIR [MIN_SOURCE MIN_CONTRACT MIN_VERDICT]]]
#
# BUILD_DIR (default build-fuzz) is configured with
#   CC=clang cmake -S . -B build-fuzz -DCLAUSEGEN_FUZZ=ON -DBUILD_TESTING=OFF
# New inputs go to LOG_DIR/corpus-<target>, crashes to LOG_DIR/crashes-<target>/,
# and the log of each run to LOG_DIR/<target>.log.
set -u
cd "$(dirname "$0")/../.."
build=${1:-build-fuzz}
logs=${2:-/tmp/fuzzlogs}
mins_source=${3:-25}
mins_contract=${4:-20}
mins_verdict=${5:-20}
mkdir -p "$logs"

for t in source contract verdict; do
	eval "mins=\$mins_$t"
	dict=tests/fuzz/yaml.dict
	[ "$t" = verdict ] && dict=tests/fuzz/lua.dict
	mkdir -p "$logs/corpus-$t" "$logs/crashes-$t"
	end=$(( $(date +%s) + mins * 60 ))
	echo "== $t: $mins min from $(date -u +%H:%M:%S)" >>"$logs/summary.log"
	while [ "$(date +%s)" -lt "$end" ]; do
		left=$(( end - $(date +%s) ))
		nice -n 10 "$build/tests/fuzz/fuzz_$t" -max_total_time="$left" -timeout=10 \
			-rss_limit_mb=2048 -max_len=65536 -print_final_stats=1 -dict="$dict" \
			-artifact_prefix="$logs/crashes-$t/" \
			"$logs/corpus-$t" "tests/fuzz/corpus/$t" >>"$logs/$t.log" 2>&1
		echo "   $t exit $? at $(date -u +%H:%M:%S)" >>"$logs/summary.log"
	done
	grep -h 'stat::number_of_executed_units' "$logs/$t.log" |
		awk -v t="$t" '{n += $2} END {print "   " t " executions: " n}' >>"$logs/summary.log"
done
echo "== done $(date -u +%H:%M:%S)" >>"$logs/summary.log"
