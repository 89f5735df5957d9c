#!/usr/bin/env bash
# Runs every test file (unit tests beside the code, integration suites in test/) with node's
# test runner through tsx. Node 20 does not expand globs itself, so the shell lists the files.
set -euo pipefail
cd "$(dirname "$0")/.."
mapfile -t files < <(find src runtimes test -name '*.test.ts' -not -path '*/node_modules/*' | sort)
if [ "${#files[@]}" -eq 0 ]; then echo "no test files found" >&2; exit 1; fi
# --test-force-exit: a file whose tests are done exits even if a handle is left open, and
# --test-timeout bounds every test file (node 20 applies it to each file as a whole), so a hang
# fails that file instead of stalling CI.
exec node --import tsx --test --test-force-exit --test-timeout="${OPENFC_TEST_TIMEOUT_MS:-900000}" "$@" "${files[@]}"
