#!/usr/bin/env bash
# Installs what is missing, builds llama.cpp once into the cache, then builds CardMint.
#   scripts/build.sh [build-dir] [extra cmake args...]
# CARDMINT_CONFIGURE_ONLY=1 stops after cmake's configure step (the test command checks a
# configuration it does not build that way). CARDMINT_BUILD_TARGET=t builds only target t.
# Safe to run again: every step skips work that is already done.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
build_dir=${1:-$here/build}
shift || true
"$here/scripts/install-deps.sh" >&2
"$here/scripts/install-node-deps.sh" >&2
llama_dir=$("$here/scripts/build-llama.sh" | tail -n 1)
jobs=${CARDMINT_JOBS:-$(nproc)}
cmake -S "$here" -B "$build_dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DLLAMA_CPP_DIR="$llama_dir" "$@" >&2
target=()
[ -z "${CARDMINT_BUILD_TARGET:-}" ] || target=(--target "$CARDMINT_BUILD_TARGET")
[ "${CARDMINT_CONFIGURE_ONLY:-0}" = 1 ] || cmake --build "$build_dir" -j"$jobs" "${target[@]}" >&2
echo "$build_dir"
