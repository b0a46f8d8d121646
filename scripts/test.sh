#!/usr/bin/env bash
# Builds everything and runs every test: the whole suite on a normal build, then the unit tests
# again under AddressSanitizer + UndefinedBehaviorSanitizer. This is what .ci/run calls.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
export CTEST_OUTPUT_ON_FAILURE=1
jobs=${CARDMINT_JOBS:-$(nproc)}

build=$("$here/scripts/build.sh" "$here/build")
echo "== all tests ($build)"
(cd "$build" && ctest --output-on-failure -j"$jobs" --timeout 900)

# A build without the tests (-DCARDMINT_BUILD_TESTS=OFF) must still configure: a test-only
# target named outside its guard once broke it. Configuring is enough to catch that.
echo "== configure without tests"
CARDMINT_CONFIGURE_ONLY=1 "$here/scripts/build.sh" "$here/build-notests" -DCARDMINT_BUILD_TESTS=OFF \
  > /dev/null

# Only the unit tests run sanitized, so only they are built (target unit_tests).
asan=$(CARDMINT_BUILD_TARGET=unit_tests "$here/scripts/build.sh" "$here/build-asan" -DCARDMINT_SANITIZE=ON)
echo "== unit tests under ASan+UBSan ($asan)"
# LeakSanitizer stays on; llama.cpp's static globals are freed at exit.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
(cd "$asan" && ctest --output-on-failure -j"$jobs" -L unit --timeout 900)

# Every parser of untrusted input under libFuzzer with ASan+UBSan (fuzz/README.md): a minute per
# target, two at a time, on copies of the seed corpora, then each saved regression once. A clang
# build of its own in build-fuzz/.
echo "== fuzz"
"$here/scripts/fuzz.sh" 60
