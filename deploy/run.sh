#!/bin/sh
# run.sh — `make run`: quire and a private nginx serving this checkout on the
# loopback until Ctrl-C. Usage: run.sh PORT
set -eu
port=${1:-8080}
top=$(cd "$(dirname "$0")/.." && pwd)
# At a terminal, run the rest as a job of its own (job control: its own process group,
# the terminal's foreground one), so that Ctrl-C reaches it and its servers, not make:
# a Ctrl-C is how this stops, and make would call it an error.
if [ -t 0 ] && [ -z "${QUIRE_RUN_JOB:-}" ]; then
	set -m
	QUIRE_RUN_JOB=1 sh "$0" "$@" && exit 0
	exit $?
fi
rundir=$(mktemp -d "${TMPDIR:-/tmp}/quire-run.XXXXXX")
sock=$rundir/quire.sock
quire_pid="" nginx_pid=""

# Ctrl-C reaches nginx and quire too, so either may be gone already: a failed kill is
# no error here (set -e would end the shell before it cleans up).
stop() {
	trap - INT TERM EXIT
	set +e
	[ -n "$nginx_pid" ] && kill -QUIT "$nginx_pid" 2>/dev/null
	[ -n "$quire_pid" ] && kill -TERM "$quire_pid" 2>/dev/null
	wait 2>/dev/null
	rm -rf "$rundir"
	echo "quire and nginx stopped."
}
# Ctrl-C or a TERM is the ordinary way to stop: status 0. Any other end keeps its status.
trap 'stop; exit 0' INT TERM
trap 'rc=$?; stop; exit $rc' EXIT

if ! "$top/build/quire" -t -c "$top/conf/quire.yaml" >/dev/null; then
	echo "run: the site does not load; see the messages above." >&2
	exit 1
fi
# --dev: pages reload themselves when a post, a layout or the stylesheet is saved.
"$top/build/quire" -c "$top/conf/quire.yaml" -s "$sock" --dev &
quire_pid=$!
i=0
while [ ! -S "$sock" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
# The site's static folder: conf/quire.yaml's posts are ../posts, so it is ../static.
sh "$top/deploy/nginx/make-conf.sh" "$port" "$sock" "$top/conf/static" "$rundir" stderr / \
	"$top/static" >"$rundir/nginx.conf"
nginx -p "$rundir" -c "$rundir/nginx.conf" -g 'daemon off;' &
nginx_pid=$!
sleep 0.3
if ! kill -0 "$nginx_pid" 2>/dev/null; then
	echo "run: nginx did not start (is port $port taken? try make run PORT=8081)" >&2
	exit 1
fi
[ "${MICROCACHE:-0}" = 1 ] && echo "nginx keeps pages for 1 s (deploy/nginx/quire-microcache.conf)."
echo "quire is serving $top/posts at http://127.0.0.1:$port/ — Ctrl-C stops it."
wait "$nginx_pid" || true
# Only nginx ending on its own gets here (a Ctrl-C runs the trap above).
nginx_pid=""
echo "run: nginx stopped on its own; stopping quire." >&2
exit 1
