#!/usr/bin/env bash
# Remakes the Hugging Face adapter's test models and PyTorch's answers
# (packages/models/hf/testdata) by hand; CI never runs it. Creates .venv/ (ignored by git) with
# the pinned packages of scripts/hf_fixtures_requirements.txt (torch with its CUDA wheels: about
# 3 GB), then runs scripts/make_hf_fixtures.py, which documents its options (--out, --family,
# --real-size DIR, --max-new-tokens, --vlmevalkit).
#
# Usage: bash scripts/make_hf_fixtures.sh [ARGS of make_hf_fixtures.py]
#
# Exit: make_hf_fixtures.py's code (2 for a bad option); pip's when the install fails.
set -euo pipefail
for arg in "$@"; do
  if [ "$arg" = "--help" ] || [ "$arg" = "-h" ]; then
    sed -n '2,/^[^#]/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'
    exit 0
  fi
done
cd "$(dirname "$0")/.."
python3 scripts/make_hf_fixtures.py --parse-only "$@"
if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
.venv/bin/pip install --quiet -r scripts/hf_fixtures_requirements.txt
exec .venv/bin/python scripts/make_hf_fixtures.py "$@"
