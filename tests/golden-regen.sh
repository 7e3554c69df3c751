#!/bin/sh
# golden-regen.sh — rewrite tests/golden/*/expected.html; review with git diff.
set -eu
make --no-print-directory build/tests/golden_test
build/tests/golden_test --regen
git --no-pager diff --stat -- tests/golden || true
