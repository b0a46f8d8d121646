#!/usr/bin/env bash
# Builds the libFuzzer targets (fuzz/) with clang in build-fuzz/ and runs each for a while on a
# copy of its seed corpus, two at a time, then once over its saved regressions.
#   scripts/fuzz.sh [--json FILE] [--runs N] [seconds-per-target] [target...]
# seconds defaults to 60 (the test suite's phase); --runs N stops a target after N executions
# instead (the seconds then only cap it). No targets: all of them. Exits non-zero when any target
# crashes, leaks, times out on an input, runs out of memory or fails a property, and prints the
# reproducer's path; rerun one with build-fuzz/fuzz/<target> <reproducer>.
# New inputs the fuzzer finds stay in build-fuzz/runs/, never in the checked-in corpus.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
build_dir=${CARDMINT_FUZZ_BUILD_DIR:-$here/build-fuzz}
jobs=${CARDMINT_JOBS:-2}
parallel=${CARDMINT_FUZZ_PARALLEL:-2}  # CI has two cores

json_out="" runs="" seconds=60 targets=()
while [ $# -gt 0 ]; do
  case $1 in
    --json) json_out=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
    *[!0-9]*) targets+=("$1"); shift ;;
    *) seconds=$1; shift ;;
  esac
done

# target → max_len (bytes), per-input timeout (s), dictionary. max_len is a few times the largest
# seed: images are the small photos the harness's limits allow; number lines are one line.
declare -A max_len=(
  [image_rectify_fuzzer]=16384 [multipart_fuzzer]=8192 [card_description_fuzzer]=4096
  [tcgdex_reader_fuzzer]=8192 [pokemontcg_reader_fuzzer]=8192 [collection_import_fuzzer]=4096
  [collector_number_fuzzer]=256)
declare -A timeout=(
  [image_rectify_fuzzer]=10 [multipart_fuzzer]=5 [card_description_fuzzer]=5
  [tcgdex_reader_fuzzer]=5 [pokemontcg_reader_fuzzer]=5 [collection_import_fuzzer]=5
  [collector_number_fuzzer]=5)
declare -A dict=(
  [image_rectify_fuzzer]=image.dict [multipart_fuzzer]=multipart.dict
  [card_description_fuzzer]=json.dict [tcgdex_reader_fuzzer]=json.dict
  [pokemontcg_reader_fuzzer]=json.dict [collection_import_fuzzer]=collection_csv.dict
  [collector_number_fuzzer]=collector_number.dict)
all_targets=(image_rectify_fuzzer multipart_fuzzer card_description_fuzzer tcgdex_reader_fuzzer
             pokemontcg_reader_fuzzer collection_import_fuzzer collector_number_fuzzer)
[ ${#targets[@]} -gt 0 ] || targets=("${all_targets[@]}")
for t in "${targets[@]}"; do
  [ -n "${max_len[$t]:-}" ] || { echo "fuzz: unknown target $t (${all_targets[*]})" >&2; exit 2; }
done

build_start=$(date +%s)
"$here/scripts/install-deps.sh" >&2
llama_dir=$("$here/scripts/build-llama.sh" | tail -n 1)
# -O1: the usual libFuzzer trade between speed per input and build time; asserts stay on.
cmake -S "$here" -B "$build_dir" -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ \
  -DCARDMINT_FUZZ=ON -DCARDMINT_BUILD_TESTS=OFF -DLLAMA_CPP_DIR="$llama_dir" \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_C_FLAGS_RELWITHDEBINFO="-O1 -g" \
  -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g" >&2
cmake --build "$build_dir" -j"$jobs" --target "${targets[@]}" >&2
echo "fuzz: built in $(( $(date +%s) - build_start )) s"

# One target: fuzz a copy of its seeds, then replay its regressions. Writes <run>/result.
run_target() {
  local t=$1 run=$build_dir/runs/$1
  rm -rf "$run" && mkdir -p "$run/corpus"
  cp "$here/fuzz/corpus/$t"/* "$run/corpus/"
  local limits=(-max_total_time="$seconds")
  [ -z "$runs" ] || limits+=(-runs="$runs")
  local status=ok
  (cd "$run" && "$build_dir/fuzz/$t" "${limits[@]}" -max_len="${max_len[$t]}" \
      -timeout="${timeout[$t]}" -rss_limit_mb=2048 -dict="$here/fuzz/${dict[$t]}" \
      -artifact_prefix="$run/" -print_final_stats=1 corpus > fuzz.log 2>&1) || status=failed
  local regressions=("$here/fuzz/regressions/$t"/*)
  if [ "$status" = ok ] && [ -e "${regressions[0]}" ]; then
    (cd "$run" && "$build_dir/fuzz/$t" -timeout="${timeout[$t]}" -rss_limit_mb=2048 \
        "${regressions[@]}" > regressions.log 2>&1) || status=regression
  fi
  echo "$status" > "$run/result"
}

stat_of() { sed -n "s/^stat::$2: *//p" "$1" | tail -n 1; }

report() {
  local t=$1 run=$build_dir/runs/$1
  local log=$run/fuzz.log result execs rate cov ft artifact kind
  result=$(cat "$run/result")
  execs=$(stat_of "$log" number_of_executed_units)
  rate=$(stat_of "$log" average_exec_per_sec)
  cov=$(grep -oE 'cov: [0-9]+' "$log" | tail -n 1 | cut -d' ' -f2)
  ft=$(grep -oE 'ft: [0-9]+' "$log" | tail -n 1 | cut -d' ' -f2)
  artifact=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | tail -n 1)
  kind=$result
  if [ "$result" = failed ]; then
    kind=crash
    grep -q 'ERROR: LeakSanitizer' "$log" && kind=leak
    grep -q 'ALARM: working on the last Unit' "$log" && kind=timeout
    grep -q 'out-of-memory' "$log" && kind=oom
    grep -q 'property failed' "$log" && kind=property
  fi
  printf '%-26s %12s %9s %7s %7s  %s\n' "$t" "${execs:--}" "${rate:--}" "${cov:--}" "${ft:--}" \
    "$kind"
  if [ "$result" = failed ]; then
    grep -m 3 -E 'ERROR|property failed|ALARM|SUMMARY' "$log" | sed 's/^/    /'
    echo "    reproducer: ${artifact:-see $log}"
    echo "    log: $log"
  elif [ "$result" = regression ]; then
    grep -m 3 -E 'ERROR|property failed|ALARM|SUMMARY|Running:' "$run/regressions.log" |
      sed 's/^/    /'
    echo "    regressions of fuzz/regressions/$t fail again; log: $run/regressions.log"
  fi
  json_rows+=("$(printf '{"target":"%s","result":"%s","executions":%s,"exec_per_sec":%s,"coverage":%s,"features":%s,"seconds":%s,"reproducer":"%s"}' \
    "$t" "$kind" "${execs:-0}" "${rate:-0}" "${cov:-0}" "${ft:-0}" "$seconds" "${artifact:-}")")
  [ "$result" = ok ]
}

fuzz_start=$(date +%s)
echo "fuzz: ${targets[*]}: ${runs:+$runs runs or }${seconds} s each, $parallel at a time"
for t in "${targets[@]}"; do
  while [ "$(jobs -rp | wc -l)" -ge "$parallel" ]; do wait -n || true; done
  run_target "$t" &
done
wait

json_rows=()
failures=0
printf '%-26s %12s %9s %7s %7s  %s\n' target executions exec/s cov ft result
for t in "${targets[@]}"; do report "$t" || failures=$((failures + 1)); done
echo "fuzz: ran in $(( $(date +%s) - fuzz_start )) s; $failures of ${#targets[@]} failed"
if [ -n "$json_out" ]; then
  (IFS=,; echo "[${json_rows[*]}]") > "$json_out"
fi
[ "$failures" -eq 0 ]
