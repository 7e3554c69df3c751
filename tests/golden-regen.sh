#!/bin/sh
# golden-regen.sh — rewrite tests/golden/*/expected.html and tests/golden-pages/expected/*;
# review with git diff.
set -eu
make --no-print-directory build/tests/golden_test
build/tests/golden_test --regen
git --no-pager diff --stat -- tests/golden || true
make --no-print-directory build/tests/pages_test
build/tests/pages_test --regen >/dev/null
git --no-pager diff --stat -- tests/golden-pages || true
