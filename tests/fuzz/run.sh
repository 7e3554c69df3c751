#!/bin/sh
# run.sh — the brief fuzz run of `make test`: each target in build/fuzz/ for a few seconds on
# its seed corpus (tests/fuzz/TARGET/), printing "PASS fuzz: TARGET" or "FAIL fuzz: TARGET: why".
# New inputs go to a scratch folder and are dropped; a crashing input is kept in
# build/test-output/fuzz/. FUZZ_BRIEF_SECONDS sets the time per target (3).
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 1
secs=${FUZZ_BRIEF_SECONDS:-3}
out=build/test-output/fuzz
mkdir -p "$out"
scratch=$(mktemp -d "${TMPDIR:-/tmp}/quire-fuzz-brief.XXXXXX") || exit 1
trap 'rm -rf "$scratch"' EXIT INT TERM
failed=0

for src in tests/fuzz/fuzz_*.c; do
	t=$(basename "$src" .c)
	bin=build/fuzz/$t
	log=$out/$t.log
	if [ ! -x "$bin" ]; then
		echo "FAIL fuzz: $t: $bin is not built (make fuzz-build; needs clang and libclang-rt-14-dev)"
		failed=1
		continue
	fi
	mkdir -p "$scratch/$t"
	# Scratch sites the targets make go under the scratch folder too: a target that
	# fails does not run its atexit() cleanup.
	TMPDIR=$scratch "$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
		-artifact_prefix="$out/$t-" "$scratch/$t" "tests/fuzz/$t" >"$log" 2>&1
	rc=$?
	if [ "$rc" -eq 0 ]; then
		echo "PASS fuzz: $t"
		continue
	fi
	why=$(grep -m1 -E 'ERROR: |invariant broken|runtime error|deadly signal' "$log" |
		sed 's/^==[0-9]*==//')
	input=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | head -1)
	echo "FAIL fuzz: $t: exited $rc: ${why:-see $log}${input:+ (input: $input)}"
	failed=1
done
exit "$failed"
