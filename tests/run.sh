#!/bin/sh
# run.sh — `make test`: every suite, plain and under ASan+UBSan, the fuzz targets briefly,
# and the suites that drive the threaded server under ThreadSanitizer. Each suite prints
# PASS/FAIL lines; this counts them and ends with "N passed, N failed".
# `run.sh tsan` (make test-tsan) runs only the ThreadSanitizer part.
set -u
parts=${1:-plain asan tsan}
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
DATA=$top/tests/data
suite_start=$(date +%s)
PY=${PYTHON:-/usr/bin/python3}
out=build/test-output
rm -rf "$out"
mkdir -p "$out"
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0:exitcode=23}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
extra_fail=0

# run_suite NAME PREFIX COMMAND...: PREFIX is put before each PASS/FAIL line.
run_suite() {
	name=$1 prefix=$2
	shift 2
	log="$out/$name.log"
	start=$(date +%s)
	"$@" >"$log.raw" 2>"$out/$name.stderr"
	rc=$?
	sed -e "s/^PASS /PASS $prefix/" -e "s/^FAIL /FAIL $prefix/" "$log.raw" >"$log"
	rm -f "$log.raw"
	p=$(grep -c '^PASS ' "$log")
	f=$(grep -c '^FAIL ' "$log")
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "FAIL $prefix$name: exited $rc with no failed case (see $out/$name.stderr)" >>"$log"
		tail -5 "$out/$name.stderr" | sed 's/^/    /' >>"$log"
		f=1
	fi
	printf '%-28s %4d passed, %d failed (%ds)\n' "$name" "$p" "$f" $(($(date +%s) - start))
	grep '^FAIL ' "$log" | head -20 | sed 's/^/    /'
}

# The suites that start the threaded FastCGI server, run again under ThreadSanitizer.
TSAN_SUITES="serve reload soak deploy hostile_request sandbox files search"
export TSAN_OPTIONS=${TSAN_OPTIONS:-halt_on_error=0:second_deadlock_stack=1}

# The fuzz targets, briefly, on their seed corpora (make fuzz runs them for long), beside
# the plain suites: they keep one core busy while those mostly wait on servers.
fuzz_pid=
case " $parts " in
*" plain "*)
	run_suite fuzz "" sh tests/fuzz/run.sh >"$out/fuzz.summary" 2>&1 &
	fuzz_pid=$!
	;;
esac

for part in $parts; do
	case $part in
	plain)
		for t in build/tests/*_test; do
			run_suite "$(basename "$t")" "" "$t"
		done
		run_suite mustache_spec "" build/tests/mustache_spec "$DATA/mustache-spec"
		for t in tests/e2e/*_test.py; do
			run_suite "$(basename "$t" .py)" "" env QUIRE_BIN="$top/build/quire" "$PY" "$t"
		done
		# CGI mode under valgrind memcheck (the plain build only).
		run_suite memcheck "" env QUIRE_BIN="$top/build/quire" "$PY" tests/e2e/memcheck.py
		# make run at a terminal, stopped with Ctrl-C (once: it runs the plain build).
		run_suite run "" "$PY" tests/e2e/run_check.py
		;;
	asan)
		for t in build/tests-asan/*_test; do
			run_suite "asan-$(basename "$t")" "asan " "$t"
		done
		run_suite asan-mustache_spec "asan " build/tests-asan/mustache_spec "$DATA/mustache-spec"
		for t in tests/e2e/*_test.py; do
			run_suite "asan-$(basename "$t" .py)" "asan " \
				env QUIRE_BIN="$top/build/asan/quire" "$PY" "$t"
		done
		;;
	tsan)
		for n in $TSAN_SUITES; do
			t=tests/e2e/${n}_test.py
			[ -f "$t" ] || continue
			run_suite "tsan-$n" "tsan " env QUIRE_BIN="$top/build/tsan/quire" "$PY" "$t"
		done
		;;
	esac
done

if [ -n "$fuzz_pid" ]; then
	wait "$fuzz_pid"
	cat "$out/fuzz.summary"
fi

passed=$(cat "$out"/*.log | grep -c '^PASS ')
failed=$(cat "$out"/*.log | grep -c '^FAIL ')
echo "total $(($(date +%s) - suite_start))s"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
