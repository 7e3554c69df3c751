#!/bin/sh
# install-deps.sh — install the Debian packages quire needs to build, run and test
# that are missing. Uses apt-get as root, or through sudo.
set -eu
# Usage: install-deps.sh run|test — what `make run` needs, or all that the tests need too.
RUN="gcc make pkg-config libyaml-dev libmd4c-html0-dev libmd4c-dev libseccomp-dev nettle-dev libsqlite3-dev unicode-data nginx
libjs-katex"
# libfcgi-dev: only for the benchmark's reference responder (tests/bench/bare_fcgi.c).
TEST="libfcgi-dev curl python3 tidy chromium python3-feedparser libxml2-utils wrk hyperfine
apache2-bin libapache2-mod-fcgid systemd mandoc clang libclang-rt-14-dev valgrind
faketime python3-pygments"
PKGS=$RUN
[ "${1:-test}" = run ] || PKGS="$RUN $TEST"
missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed$' ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "Installing missing packages:$missing"
if [ "$(id -u)" -eq 0 ]; then
	SUDO=""
elif command -v sudo >/dev/null 2>&1; then
	SUDO="sudo"
else
	echo "install-deps: need root or sudo to install:$missing" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# --no-install-recommends keeps nginx from pulling in a service that starts on port 80.
$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
