#!/usr/bin/env bash
# Fails when a Catch2 test name contains ';'. CTest splits discovered test
# names at ';', so such a test would be registered under a filter that
# matches nothing. Usage: check_test_names.sh TEST_BINARY...
set -euo pipefail
bad=0
for bin in "$@"; do
  while IFS= read -r name; do
    if [[ "$name" == *";"* ]]; then
      echo "test name with ';' in $(basename "$bin"): $name" >&2
      bad=1
    fi
  done < <("$bin" --list-test-names-only)
done
if ((bad)); then
  echo "rename these tests: CTest would split their names and run nothing" >&2
  exit 1
fi
echo "checked $# test binaries: no ';' in any test name"
