#!/usr/bin/env bash
# Installs the Debian 12 packages CardMint builds and tests with. Idempotent: apt skips what is there.
set -euo pipefail
SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
PACKAGES=(
  build-essential cmake ccache git pkg-config ca-certificates curl openssl
  libopencv-dev libopencv-contrib-dev libjpeg62-turbo-dev
  libtesseract-dev tesseract-ocr tesseract-ocr-eng libleptonica-dev libfreetype-dev zlib1g-dev
  libsqlite3-dev sqlite3 libhiredis-dev libxxhash-dev nlohmann-json3-dev libspdlog-dev libfmt-dev libcli11-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  clang lld libclang-rt-14-dev libomp-dev
  redis-server nginx prometheus wrk python3 python3-yaml systemd chromium
  fonts-dejavu-core fonts-liberation2 fonts-freefont-ttf fonts-noto-core fonts-urw-base35
)
missing=()
for p in "${PACKAGES[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
# npm fetches the llama.cpp source; a machine that already has Node (e.g. from NodeSource) keeps its own.
command -v npm >/dev/null 2>&1 || missing+=(nodejs npm)
if [ ${#missing[@]} -gt 0 ]; then
  echo "install-deps: installing ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
# Services the packages enable must not hold ports: tests start their own on free ports.
for svc in redis-server nginx prometheus; do
  if command -v systemctl >/dev/null 2>&1 && systemctl is-active --quiet "$svc" 2>/dev/null; then
    $SUDO systemctl stop "$svc" || true
  fi
done
echo "install-deps: ok"
