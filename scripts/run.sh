#!/usr/bin/env bash
# Builds CardMint and starts cardmintd on its embedded defaults (http://127.0.0.1:${PORT:-8080}).
# The catalog is imported on the first run. Models: MODEL_PATH/MMPROJ_PATH if set, else the
# SmolVLM-256M files in models/ (see README), else none: OCR + catalog alone.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
build=$("$here/scripts/build.sh" "$here/build")
models="$here/models"
if [ -z "${MODEL_PATH:-}" ] && [ -f "$models/SmolVLM-256M-Instruct-Q8_0.gguf" ]; then
  export MODEL_PATH="$models/SmolVLM-256M-Instruct-Q8_0.gguf"
  export MMPROJ_PATH="$models/mmproj-SmolVLM-256M-Instruct-Q8_0.gguf"
fi
if [ -z "${MODEL_PATH:-}" ]; then
  echo "run: no SmolVLM weights in $models (see README 'Models'): answering from OCR + catalog." >&2
fi
export CATALOG_DB=${CATALOG_DB:-${CARDMINT_DATA_DIR:-$HOME/.local/share/cardmint}/catalog.sqlite}
if [ ! -f "$CATALOG_DB" ]; then
  "$build/src/cli/cardmint" catalog import --db "$CATALOG_DB" >&2
fi
exec "$build/src/service/cardmintd" "$@"
