#!/usr/bin/env bash
# Fetches llama.cpp from the npm package pinned in third_party/llama.cpp.lock, checks its integrity,
# and builds the static libraries (llama, mtmd, common, ggml) plus the reference llama-mtmd-cli.
#
# The build lands once in a cache directory outside the tree, keyed by the integrity hash and the
# build flags, so later builds, CI on the same machine and every test reuse it (~6 min with -j2).
# Prints the cache directory on its last line of stdout. Safe to run again: a finished build is a no-op.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck disable=SC1091
source "$here/third_party/llama.cpp.lock"

native=${CARDMINT_LLAMA_NATIVE:-ON}
cache_root=${CARDMINT_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/cardmint}
# ggml's AMX kernels segfault in ggml_backend_amx_mul_mat on some AMX machines (Sapphire Rapids
# class; llama.cpp issue #20824, closed without a fix), on the tiny test models too, so a native
# build leaves AMX out; AVX-512 and the other repacked kernels stay. Explicit -mno flags win over
# -march=native whatever their order.
no_amx="-mno-amx-tile -mno-amx-int8 -mno-amx-bf16"
key=$(printf '%s native=%s amx=off' "$NPM_INTEGRITY" "$native" | sha256sum | cut -c1-16)
dir="$cache_root/llama-$key"
if [ -f "$dir/.complete" ]; then echo "$dir"; exit 0; fi

mkdir -p "$cache_root"
exec 9>"$cache_root/.llama-$key.lock"
flock 9  # two builds at once (CI and a developer) would fight over one directory
if [ -f "$dir/.complete" ]; then echo "$dir"; exit 0; fi

work=$(mktemp -d "$cache_root/.llama-work.XXXXXX")
trap 'rm -rf "$work"' EXIT
( cd "$work" && npm pack "$NPM_PACKAGE" --silent >&2 )
tgz=$(ls "$work"/*.tgz)
got="sha512-$(openssl dgst -sha512 -binary "$tgz" | base64 -w0)"
if [ "$got" != "$NPM_INTEGRITY" ]; then
  echo "build-llama: integrity mismatch for $NPM_PACKAGE: got $got, want $NPM_INTEGRITY" >&2
  exit 1
fi
tar -xzf "$tgz" -C "$work" package/llama/gitRelease.bundle package/llama/llama.cpp.info.json
rm -rf "$dir" && mkdir -p "$dir"
git clone --quiet "$work/package/llama/gitRelease.bundle" "$dir/src" >&2
cp "$work/package/llama/llama.cpp.info.json" "$dir/"
cmake -S "$dir/src" -B "$dir/build" -DCMAKE_BUILD_TYPE=Release -DBUILD_SHARED_LIBS=OFF \
  -DCMAKE_POSITION_INDEPENDENT_CODE=ON -DCMAKE_C_FLAGS="$no_amx" -DCMAKE_CXX_FLAGS="$no_amx" \
  -DGGML_NATIVE="$native" -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF \
  -DLLAMA_BUILD_TOOLS=ON -DLLAMA_BUILD_SERVER=OFF -DLLAMA_USE_PREBUILT_UI=OFF -DLLAMA_OPENSSL=OFF \
  -DLLAMA_CURL=OFF >&2
cmake --build "$dir/build" -j"$(nproc)" --target llama mtmd common llama-mtmd-cli >&2
git -C "$dir/src" log -1 --format='%H %cs %s' > "$dir/VERSION"
touch "$dir/.complete"
echo "$dir"
