#!/usr/bin/env bash
# Whole-process timings of the release binary (see BENCHMARKS.md): wall time and peak RSS
# of one-shot compiles, cold (no previous output) and warm (recompiling over an existing
# package: answered by its up-to-date stamp; and without the stamp, so the package is
# built and compared, unchanged files and graph images reused), of compiling every corpus
# spec in one process per compile-args group, and the latency of `wtc watch` (an editor's
# save of a one-task edit → the changed DAG module on disk, by polling its mtime).
#
#   scripts/bench-process.sh [RUNS]      (default 5 runs; prints the median and the min)
#
# Needs WTC_CORPUS (or ../shared/corpus). Quick mode for CI (scripts/test.sh):
# WTC_BENCH_PROFILE=debug scripts/bench-process.sh 1 — one run with the debug binary the
# tests built, so the script cannot rot (its figures mean nothing). WTC_BIN=PATH times that
# binary instead of building one (to compare two builds in the same machine phase).
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-5}"
corpus="${WTC_CORPUS:-../shared/corpus}"
[ -d "$corpus" ] || { echo "error: no corpus at $corpus (set WTC_CORPUS)" >&2; exit 2; }
corpus="$(cd "$corpus" && pwd)"
profile="${WTC_BENCH_PROFILE:-release}"
if [ -n "${WTC_BIN:-}" ]; then
    wtc="$(realpath "$WTC_BIN")"
else
    if [ "$profile" = release ]; then cargo build --release --quiet; else cargo build --quiet; fi
    wtc="${CARGO_TARGET_DIR:-$PWD/target}/$profile/wtc"
fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
# Up-to-date stamps (and any discovery) go to a cache of the run's own.
export WTC_CACHE_DIR="$work/cache"

# set_aside DIR...: move the previous runs' outputs out of the way instead of deleting them
# (they go when the script exits). On ext4 without a journal, as on the benchmark VM, every
# file created within 30 s of a deletion in the same group has the kernel step over the
# recently deleted inodes (`recently_deleted`): deleting the last package right before
# each cold run made the runs time the benchmark's own deletions (a third of a `--all`
# batch's samples), not what a user compiling into a fresh directory waits for. (Journaled
# ext4, the common case, never does this. Leave 30 s between two runs of this script: its
# exit deletes what it set aside.)
mkdir -p "$work/trash"
set_aside() {
    local d
    for d in "$@"; do
        [ -e "$d" ] && mv "$d" "$(mktemp -d -p "$work/trash")/"
    done
    return 0
}

# time_runs NAME SETUP COMMAND...: run SETUP then COMMAND `runs` times (SETUP untimed);
# print the median and min wall time and the largest peak RSS.
time_runs() {
    local name="$1" setup="$2"
    shift 2
    local times=() rss=0
    for _ in $(seq "$runs"); do
        eval "$setup"
        local start end
        start="$(date +%s%N)"
        /usr/bin/time -f "%M" -o "$work/time" "$@" >/dev/null 2>"$work/stderr" || {
            cat "$work/stderr" >&2
            echo "error: $name failed" >&2
            exit 1
        }
        end="$(date +%s%N)"
        read -r m <"$work/time"
        times+=("$(( (end - start) / 1000 ))")
        [ "$m" -gt "$rss" ] && rss="$m"
    done
    printf '%s\n' "${times[@]}" | sort -n | awk -v name="$name" -v rss="$rss" '
        { t[NR] = $1 }
        END { printf "%-62s median %7.1f ms  min %7.1f ms  peak RSS %4.0f MB\n",
                     name, t[int((NR + 1) / 2)] / 1000, t[1] / 1000, rss / 1024 }'
}

# The discovery result of a corpus spec: --registry, and --solved when it has one.
fixture() {
    echo "--registry $corpus/$1/fixture/registry.json"
    [ -e "$corpus/$1/fixture/solved.json" ] && echo "--solved $corpus/$1/fixture/solved.json"
    return 0
}

one_spec() {
    local name="$1" dir="$work/$1"
    mkdir -p "$dir"
    cp "$corpus/$name/spec.yaml" "$dir/"
    local args
    read -r -a args <"$corpus/$name/compile-args" || true
    local compile=("$wtc" compile "$dir/spec.yaml" $(fixture "$name") "${args[@]}" -q)
    time_runs "$name: cold (fresh output dir)" "set_aside '$dir'/*/" \
        "${compile[@]}"
    time_runs "$name: warm (recompile over the previous package)" ":" "${compile[@]}" --clobber
    time_runs "$name: warm, no stamp (package built and compared)" "rm -rf '$work/cache/stamps'" \
        "${compile[@]}" --clobber
    time_runs "$name: check (no output)" ":" \
        "$wtc" check "$dir/spec.yaml" --registry "$corpus/$name/fixture/registry.json" -q
}

one_spec ew-mnc-overall-report
one_spec ops-dashboard

# watch_latency NAME FROM TO: start `wtc watch` on a copy of the spec, then save it
# 2×RUNS times the way editors do (write a temporary file, rename it over the spec),
# alternating one task's value between FROM and TO; each time, measure from the rename to
# the moment the DAG module's modification time changes (polled). Prints median and min.
watch_latency() {
    local name="$1" from="$2" to="$3" dir="$work/watch-$1"
    mkdir -p "$dir"
    cp "$corpus/$name/spec.yaml" "$dir/"
    local args
    read -r -a args <"$corpus/$name/compile-args" || true
    # shellcheck disable=SC2046
    "$wtc" watch "$dir/spec.yaml" $(fixture "$name") "${args[@]}" >"$work/watch.out" 2>&1 &
    local pid=$!
    local waited=0
    until grep -qs '^Watching' "$work/watch.out"; do
        sleep 0.05
        waited=$((waited + 1))
        if [ "$waited" -gt 1200 ] || ! kill -0 "$pid" 2>/dev/null; then
            cat "$work/watch.out" >&2
            echo "error: wtc watch did not start" >&2
            exit 1
        fi
    done
    local dag
    dag="$(find "$dir" -name run_sequential.py -path '*/dags/*')"
    local a="$dir/a.yaml" b="$dir/b.yaml" times=()
    cp "$dir/spec.yaml" "$a"
    sed "0,/$from/s//$to/" "$a" >"$b"
    cmp -s "$a" "$b" && { echo "error: the watch edit does not apply" >&2; exit 1; }
    for i in $(seq $((2 * runs))); do
        local text="$b"
        [ $((i % 2)) -eq 0 ] && text="$a"
        cp "$text" "$dir/.spec.yaml.swp"
        local before start now
        before="$(stat -c %.9Y "$dag")"
        start="$(date +%s%N)"
        mv "$dir/.spec.yaml.swp" "$dir/spec.yaml"
        local polls=0
        while [ "$(stat -c %.9Y "$dag")" = "$before" ]; do
            polls=$((polls + 1))
            if [ "$polls" -gt 20000 ]; then
                cat "$work/watch.out" >&2
                echo "error: the watched edit never reached $dag" >&2
                kill "$pid"
                exit 1
            fi
        done
        now="$(date +%s%N)"
        times+=("$(( (now - start) / 1000 ))")
        sleep 0.3
    done
    kill -INT "$pid"
    wait "$pid" || true
    printf '%s\n' "${times[@]}" | sort -n | awk -v name="$name: watch, save → DAG module on disk" '
        { t[NR] = $1 }
        END { printf "%-62s median %7.1f ms  min %7.1f ms\n",
                     name, t[int((NR + 1) / 2)] / 1000, t[1] / 1000 }'
}

watch_latency ew-mnc-overall-report "filter: clean" "filter: dirty"

# Every corpus spec that compiles, with its lock file written from its fixture, one process
# per compile-args group (the options differ between groups). The `--clobber` rows above
# replaced packages (deleting the old ones), so the batches wait until the kernel no longer
# counts those inodes as recently deleted (see `set_aside`); not in the quick mode.
[ "$profile" = release ] && sleep 31
all="$work/all"
declare -A groups=()
for spec in "$corpus"/*/spec.yaml; do
    name="$(basename "$(dirname "$spec")")"
    [ -e "$corpus/$name/expected-0.10.3/error.txt" ] && continue
    args="$(cat "$corpus/$name/compile-args")"
    key="$(printf '%s' "$args" | sha256sum | cut -c1-8)"
    groups[$key]="$args"
    mkdir -p "$all/$key/$name"
    cp "$spec" "$all/$key/$name/"
    # shellcheck disable=SC2046
    "$wtc" lock "$all/$key/$name/spec.yaml" $(fixture "$name") -q
done
total=0
for key in "${!groups[@]}"; do
    read -r -a args <<<"${groups[$key]}" || true
    n="$(find "$all/$key" -name spec.yaml | wc -l)"
    time_runs "all corpus, ${n} specs [${groups[$key]:-no args}]" \
        "set_aside '$all/$key'/*/*/" \
        "$wtc" compile --all "$all/$key" --locked "${args[@]}" -q
done
