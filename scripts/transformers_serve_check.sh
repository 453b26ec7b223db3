#!/usr/bin/env bash
# Runs our CLI end to end against a REAL OpenAI-compatible server by hand (CI never runs it):
# PyPI's `transformers serve` (transformers 5.25.0) serving a tiny random SmolVLM (Idefics3) made
# here, offline, with scripts/make_hf_fixtures.py's builders. Creates .venv-serve/ (ignored by git)
# with the pinned packages of scripts/transformers_serve_requirements.txt (torch with its CUDA
# wheels: about 3 GB), then runs scripts/transformers_serve_check.py, which documents what it
# runs and checks (keys A and x keep the answers; a wrong model exits 7 before any sample) and
# its options (--limit, --max-tokens, --data, --seed, --keep).
#
# Usage: bash scripts/transformers_serve_check.sh [ARGS of transformers_serve_check.py]
#
# Exit: 0 every expectation met; 1 one failed; 2 a bad option; 6 a prerequisite missing (deno,
# the server not starting); pip's code when the install fails.
set -euo pipefail
for arg in "$@"; do
  if [ "$arg" = "--help" ] || [ "$arg" = "-h" ]; then
    sed -n '2,/^[^#]/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'
    exit 0
  fi
done
cd "$(dirname "$0")/.."
python3 scripts/transformers_serve_check.py --parse-only "$@"
if [ ! -x .venv-serve/bin/python ]; then
  python3 -m venv .venv-serve
fi
.venv-serve/bin/pip install --quiet -r scripts/transformers_serve_requirements.txt
exec .venv-serve/bin/python scripts/transformers_serve_check.py "$@"
