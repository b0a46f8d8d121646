#!/usr/bin/env bash
# Builds CardMint and starts cardmintd on its embedded defaults (http://127.0.0.1:${PORT:-8080}).
# Models: MODEL_PATH/MMPROJ_PATH if set, else the SmolVLM-256M files in models/ (see README), else a
# random-weight test model with a loud warning, so the service and its API can be tried at once.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
build=$("$here/scripts/build.sh" "$here/build")
models="$here/models"
if [ -z "${MODEL_PATH:-}" ] && [ -f "$models/SmolVLM-256M-Instruct-Q8_0.gguf" ]; then
  export MODEL_PATH="$models/SmolVLM-256M-Instruct-Q8_0.gguf"
  export MMPROJ_PATH="$models/mmproj-SmolVLM-256M-Instruct-Q8_0.gguf"
fi
if [ -z "${MODEL_PATH:-}" ]; then
  echo "run: no SmolVLM weights found in $models; see README 'Models'." >&2
  echo "run: starting on a RANDOM-WEIGHT test model: every answer will be 'unknown'." >&2
  "$build/src/cli/cardmint" make-test-model --size tiny --out "$models/test" >/dev/null
  export MODEL_PATH="$models/test/cardmint-test-tiny.gguf"
  export MMPROJ_PATH="$models/test/mmproj-cardmint-test-tiny.gguf"
  export MODEL_LABEL=${MODEL_LABEL:-vlm-test}
fi
exec "$build/src/service/cardmintd" "$@"
