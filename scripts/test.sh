#!/usr/bin/env bash
# Runs every test file (unit tests beside the code, integration suites in test/) with node's
# test runner through tsx. Node 20 does not expand globs itself, so the shell lists the files.
set -euo pipefail
cd "$(dirname "$0")/.."
mapfile -t files < <(find src runtimes test -name '*.test.ts' -not -path '*/node_modules/*' | sort)
if [ "${#files[@]}" -eq 0 ]; then echo "no test files found" >&2; exit 1; fi
exec node --import tsx --test "$@" "${files[@]}"
