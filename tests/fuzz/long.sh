#!/bin/sh
# long.sh — the long fuzz run of `make fuzz`: each target given as NAME:MAXLEN runs until it
# has done FUZZ_RUNS executions (10 million) or FUZZ_SECONDS have passed (an hour), one after
# another, from its seeds (tests/fuzz/NAME/) and what earlier runs kept (FUZZ_CORPUS/NAME,
# build/fuzz/corpus/ by default: new inputs go there, so each run starts where the last one
# stopped). A crashing input goes to build/fuzz/crashes/. Each target's executions, speed,
# coverage, corpus and findings are printed and appended, dated, to tests/bench/RESULTS.md.
# Exits 1 when any target found something.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
runs=${FUZZ_RUNS:-10000000}
secs=${FUZZ_SECONDS:-3600}
corpus=${FUZZ_CORPUS:-build/fuzz/corpus}
crashes=build/fuzz/crashes
logs=build/fuzz/logs
results=${FUZZ_RESULTS:-tests/bench/RESULTS.md}
mkdir -p "$corpus" "$crashes" "$logs"
scratch=$(mktemp -d "${TMPDIR:-/tmp}/quire-fuzz-long.XXXXXX") || exit 1
trap 'rm -rf "$scratch"' EXIT INT TERM
rows=$scratch/rows
: >"$rows"
found=0
started=$(date -u '+%Y-%m-%d %H:%M UTC')
load=$(cut -d' ' -f1-3 /proc/loadavg)
source="commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet 2>/dev/null || echo ' with changes')"

for spec in "$@"; do
	t=${spec%%:*}
	maxlen=${spec#*:}
	bin=build/fuzz/$t
	log=$logs/$t.log
	mkdir -p "$corpus/$t"
	before=$(ls "$crashes" | grep -c "^$t-" || true)
	echo "fuzz: $t: up to $runs executions or $secs s" >&2
	t0=$(date +%s)
	# Scratch sites the targets make go under the scratch folder: a target that fails does
	# not run its atexit() cleanup.
	TMPDIR=$scratch "$bin" -runs="$runs" -max_total_time="$secs" -max_len="$maxlen" \
		-timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
		-artifact_prefix="$crashes/$t-" "$corpus/$t" "tests/fuzz/$t" >"$log" 2>&1
	rc=$?
	took=$(($(date +%s) - t0))
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
	speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
	rss=$(sed -n 's/^stat::peak_rss_mb: *//p' "$log" | tail -1)
	# The last status line: "#N DONE cov: C ft: F corp: K/SIZE ...".
	last=$(grep -E '^#[0-9]+' "$log" | tail -1)
	cov=$(echo "$last" | sed -n 's/.* cov: \([0-9]*\).*/\1/p')
	ft=$(echo "$last" | sed -n 's/.* ft: \([0-9]*\).*/\1/p')
	corp=$(echo "$last" | sed -n 's/.* corp: \([^ ]*\).*/\1/p')
	after=$(ls "$crashes" | grep -c "^$t-" || true)
	if [ "$rc" -eq 0 ]; then
		finding="none"
	else
		why=$(grep -m1 -E 'ERROR: |invariant broken|runtime error|deadly signal' "$log" |
			sed 's/^==[0-9]*==//; s/|/\\|/g' | cut -c1-100)
		finding="exit $rc: ${why:-see $log}; $((after - before)) input(s) in $crashes/"
		found=1
	fi
	stop="$took s"
	[ "${execs:-0}" -ge "$runs" ] 2>/dev/null && stop="$stop (all $runs runs)"
	echo "fuzz: $t: ${execs:-?} executions in $stop, cov ${cov:-?}, ft ${ft:-?}, corpus ${corp:-?}, findings: $finding" >&2
	printf '| %s | %s | %s | %s | %s / %s | %s | %s MB | %s |\n' "$t" "${execs:-?}" \
		"${speed:-?}" "$stop" "${cov:-?}" "${ft:-?}" "${corp:-?}" "${rss:-?}" "$finding" \
		>>"$rows"
done

{
	echo
	echo "## $started"
	echo
	echo "- machine: $(uname -srm), nproc $(nproc); load average before the run: $load"
	echo "- source: $source (when the run began)"
	echo
	echo "### Fuzzing: each target up to $runs executions or $secs s (make fuzz)"
	echo
	echo "- clang libFuzzer with ASan and UBSan; corpus kept in $corpus/ between runs, seeded from tests/fuzz/NAME/; coverage is libFuzzer's cov (edges) / ft (features) at the end"
	echo
	echo "| target | executions | per second | time | coverage (cov / ft) | corpus (inputs/bytes) | peak RSS | findings |"
	echo "|---|---|---|---|---|---|---|---|"
	cat "$rows"
} >>"$results"
echo "fuzz: results appended to $results" >&2
exit "$found"
