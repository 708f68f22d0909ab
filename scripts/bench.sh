#!/usr/bin/env bash
# Benchmark (issue 10): drs-report against a C floor and a Python yardstick, side by side, on
# generated estates. Speed is measured here, never in tests; run it on a quiet machine.
#
#   scripts/bench.sh [--runs N] [--estate NAME]... [--quick] [--no-diff] [--no-build]
#
#   --runs N        runs of each command on each estate (default 3); the table shows every run
#                   and the medians
#   --estate NAME   an estate to run (repeatable; default: project and wide):
#                     project        the project's own estate: --large --tables 10000 --diffs 1000000
#                     wide           the second shape: 50 databases x 200 tables, object/row-count/value
#                                    details for every table, 1,000 inconsistent tables x 1,000 rows in
#                                    compact bodies of 1,000 rows, two-column keys, 90-character SELECTs
#                     project-small, wide-small   the same shapes at 20,000 rows, to try the script
#   --quick         skip drs-report's runs of one format alone
#   --no-diff       skip the timing of `drs-report diff` at the end
#   --no-build      use the existing .build/release/drs-report instead of building it
#
# Last (unless --no-diff), `drs-report diff` is timed on the first estate against itself and against the second (issue 12).
#
# On each estate, each run is, in this order: drs-report with all formats; drs-report with each
# format alone (--format html|md|csv|json|xlsx|sql); the Python reference (scripts/bench/reference.py:
# json + csv + xlsxwriter constant_memory + html.escape); the C program (scripts/bench/xlsx_floor.c)
# writing the same Diffs cells through libxlsxwriter, from a cells file prepared untimed
# (scripts/bench/cells.py). Wall time and peak RSS come from /usr/bin/time -f '%e %M'.
#
# Estates and cells files are cached under ${BENCH_DIR:-/tmp/drs-report-bench} and regenerated when
# the generator or its options change; outputs go to a temporary folder removed on exit.
set -euo pipefail
cd "$(dirname "$0")/.."

usage() { sed -n '5,28p' "$0" | sed 's/^# \{0,1\}//'; }

declare -A shapes=(
  [project]="--tables 10000 --diffs 1000000"
  [wide]="--tables 10000 --diffs 1000000 --databases 50 --inconsistent-tables 1000 --key-columns 2 --sql-length 90 --page-size 1000 --objects --compact"
  [project-small]="--tables 500 --diffs 20000"
  [wide-small]="--tables 1000 --diffs 20000 --databases 5 --inconsistent-tables 20 --key-columns 2 --sql-length 90 --page-size 1000 --objects --compact"
)
runs=3
quick=0
diff=1
build=1
estates=()
while (($#)); do
  case "$1" in
    --runs) runs="${2:?--runs needs a number}"; shift 2 ;;
    --runs=*) runs="${1#--runs=}"; shift ;;
    --estate) estates+=("${2:?--estate needs a name}"); shift 2 ;;
    --estate=*) estates+=("${1#--estate=}"); shift ;;
    --quick) quick=1; shift ;;
    --no-diff) diff=0; shift ;;
    --no-build) build=0; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "bench: unknown argument '$1'" >&2; usage >&2; exit 2 ;;
  esac
done
[[ "$runs" =~ ^[1-9][0-9]*$ ]] || { echo "bench: --runs must be a positive number, not '$runs'" >&2; exit 2; }
((${#estates[@]})) || estates=(project wide)
for estate in "${estates[@]}"; do
  [[ -n "${shapes[$estate]:-}" ]] || { echo "bench: unknown estate '$estate' (known: ${!shapes[*]})" >&2; exit 2; }
done

commit="$(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
[[ -n "$(git status --porcelain 2>/dev/null)" ]] && commit+="+dirty"
echo "bench: commit $commit, $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(free -g | awk '/^Mem:/ {print $2}') GiB"
echo "bench: $(date -u +%Y-%m-%dT%H:%M:%SZ), load average $(cut -d' ' -f1-3 /proc/loadavg), $runs run(s), estates: ${estates[*]}$( ((quick)) && echo ', quick')"

# --- tools -------------------------------------------------------------------------------------
scripts/setup.sh
[[ -x /usr/bin/time ]] || { echo "bench: /usr/bin/time is missing (apt-get install time)" >&2; exit 1; }
if ! python3 -c 'import xlsxwriter' >/dev/null 2>&1; then
  echo "bench: pip installing xlsxwriter (for the Python reference)"
  python3 -m pip install -q --disable-pip-version-check xlsxwriter
fi
if ((build)); then
  swift build -c release --product drs-report >/dev/null
  bin="$(swift build -c release --show-bin-path)/drs-report"
else
  bin=".build/release/drs-report"
fi
[[ -x "$bin" ]] || { echo "bench: no drs-report at $bin" >&2; exit 1; }

work="$(mktemp -d "${TMPDIR:-/tmp}/drs-report-bench-run.XXXXXX")"
trap 'rm -rf "$work"' EXIT
# shellcheck disable=SC2046  # pkg-config prints several words on purpose
mkdir -p "$work/floor"
cc -O2 -o "$work/xlsx_floor" scripts/bench/xlsx_floor.c $(pkg-config --cflags --libs xlsxwriter)

# --- estates (cached) --------------------------------------------------------------------------
cache="${BENCH_DIR:-/tmp/drs-report-bench}"
mkdir -p "$cache"
prepare() {  # estate name -> generated archive and cells file, regenerated when out of date
  local estate="$1" dir="$cache/$1"
  local stamp
  stamp="gen_samples.py --large DIR ${shapes[$estate]} $(sha256sum scripts/gen_samples.py | cut -c1-16)"
  if [[ ! -f "$dir/manifest.json" || "$(cat "$cache/$estate.stamp" 2>/dev/null)" != "$stamp" ]]; then
    echo "bench: generating $dir"
    rm -f "$cache/$estate.stamp" "$cache/$estate.cells"
    # shellcheck disable=SC2086  # the options are words
    python3 scripts/gen_samples.py --large "$dir" ${shapes[$estate]} >/dev/null
    echo "$stamp" >"$cache/$estate.stamp"
  fi
  local cells_stamp
  cells_stamp="$stamp $(cat scripts/bench/cells.py scripts/bench/reference.py | sha256sum | cut -c1-16)"
  if [[ ! -f "$cache/$estate.cells" || "$(cat "$cache/$estate.cells.stamp" 2>/dev/null)" != "$cells_stamp" ]]; then
    echo "bench: preparing the C program's cells (untimed)"
    python3 scripts/bench/cells.py "$dir" "$cache/$estate.cells" 2>/dev/null
    echo "$cells_stamp" >"$cache/$estate.cells.stamp"
  fi
}

# --- runs --------------------------------------------------------------------------------------
results="$work/results.tsv"
: >"$results"
measure() {  # estate tool run command...: appends "estate tool run wall rss_kb" to the results
  local estate="$1" tool="$2" run="$3"
  shift 3
  rm -rf "$work/out" "$work/floor/report.xlsx"
  if ! /usr/bin/time -f '%e %M' -o "$work/time" "$@" >"$work/stdout" 2>"$work/stderr"; then
    echo "bench: $tool failed on $estate:" >&2
    tail -5 "$work/stderr" >&2
    exit 1
  fi
  local wall rss
  read -r wall rss <"$work/time"
  printf '%s\t%s\t%s\t%s\t%s\n' "$estate" "$tool" "$run" "$wall" "$rss" >>"$results"
  printf '  run %s  %-8s %8.2f s %7.0f MB\n' "$run" "$tool" "$wall" "$((rss / 1024))"
  rm -rf "$work/out" "$work/floor/report.xlsx"
}

report() {  # estate: the table of its runs, the medians and the ratios
  python3 - "$results" "$1" <<'EOF'
import statistics, sys
path, estate = sys.argv[1], sys.argv[2]
rows = [line.rstrip("\n").split("\t") for line in open(path, encoding="utf-8")]
runs = {}
for e, tool, run, wall, rss in rows:
    if e == estate:
        runs.setdefault(tool, []).append((float(wall), int(rss)))
names = {"all": "drs-report, all formats", "html": "drs-report --format html", "md": "drs-report --format md",
         "csv": "drs-report --format csv", "json": "drs-report --format json", "xlsx": "drs-report --format xlsx",
         "sql": "drs-report --format sql",
         "python": "Python reference", "c": "C + libxlsxwriter (Diffs cells)"}
median = {t: (statistics.median(w for w, _ in v), statistics.median(r for _, r in v) / 1024) for t, v in runs.items()}
print(f"\n| {estate} | runs (wall s) | median wall | median peak RSS |")
print("|---|---|---:|---:|")
for tool in names:
    if tool in runs:
        times = ", ".join(f"{w:.2f}" for w, _ in runs[tool])
        wall, rss = median[tool]
        print(f"| {names[tool]} | {times} | {wall:.2f} s | {rss:.0f} MB |")
print()
if median.get("all", (0,))[0] > 0 and median.get("c", (0,))[0] > 0:
    print(f"ratio drs-report all formats / C program: {median['all'][0] / median['c'][0]:.2f}x (goal: at most 1.3x)")
if median.get("all", (0,))[0] > 0 and "python" in median:
    print(f"ratio Python / drs-report all formats:    {median['python'][0] / median['all'][0]:.2f}x")
drs = [(median[t][1], t) for t in median if t not in ("python", "c")]
if drs:
    peak, tool = max(drs)
    print(f"largest drs-report median peak RSS: {peak:.0f} MB ({names[tool]}; goal: at most 200 MB for each)")
EOF
}

formats=(html md csv json xlsx sql)
((quick)) && formats=()
for estate in "${estates[@]}"; do
  prepare "$estate"
  dir="$cache/$estate"
  cells="$cache/$estate.cells"
  cat "$dir"/manifest.json "$dir"/responses/* >/dev/null  # warm the page cache, untimed
  echo
  echo "estate $estate: $(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["responses"]))' "$dir/manifest.json") responses, $(du -sm "$dir" | cut -f1) MB"
  echo "  python3 scripts/gen_samples.py --large $dir ${shapes[$estate]}"
  echo "  $bin render $dir --out OUT --now 2026-11-21T00:00:00Z --quiet [--format F]"
  for ((run = 1; run <= runs; run++)); do
    measure "$estate" all "$run" "$bin" render "$dir" --out "$work/out" --now 2026-11-21T00:00:00Z --quiet
    for format in "${formats[@]}"; do
      measure "$estate" "$format" "$run" "$bin" render "$dir" --out "$work/out" --now 2026-11-21T00:00:00Z --format "$format" --quiet
    done
    measure "$estate" python "$run" python3 scripts/bench/reference.py "$dir" "$work/out"
    measure "$estate" c "$run" "$work/xlsx_floor" "$cells" "$work/floor/report.xlsx"
  done
  report "$estate"
done

# --- diff (issue 12): two 1,000,000-row reports compared, in bounded memory -----------------------
# Each estate is rendered once, json only, untimed; then `drs-report diff` is timed on an estate
# against itself (every row remains) and, with two estates, on the first against the second (every
# row of one is fixed and every row of the other is new; --allow-different-jobs, since their tables differ).
((diff)) || exit 0
for estate in "${estates[@]}"; do
  "$bin" render "$cache/$estate" --out "$work/json-$estate" --now 2026-11-21T00:00:00Z --format json --quiet
done
pairs=("${estates[0]} ${estates[0]}")
((${#estates[@]} > 1)) && pairs+=("${estates[0]} ${estates[1]}")
echo
for pair in "${pairs[@]}"; do
  read -r a b <<<"$pair"
  echo "diff $a -> $b"
  echo "  $bin diff JSON-$a JSON-$b --out OUT --now 2026-11-22T00:00:00Z --allow-different-jobs --quiet"
  for ((run = 1; run <= runs; run++)); do
    measure "diff:$a-$b" diff "$run" "$bin" diff "$work/json-$a" "$work/json-$b" --out "$work/out" --now 2026-11-22T00:00:00Z --allow-different-jobs --quiet
  done
  python3 - "$results" "diff:$a-$b" <<'EOF'
import statistics, sys
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1], encoding="utf-8") if l.startswith(sys.argv[2] + "\t")]
walls = [float(r[3]) for r in rows]
rss = [int(r[4]) / 1024 for r in rows]
print(f"\n| drs-report diff {sys.argv[2][5:]} | {', '.join(f'{w:.2f}' for w in walls)} | {statistics.median(walls):.2f} s | {statistics.median(rss):.0f} MB |")
print(f"diff median peak RSS: {statistics.median(rss):.0f} MB (goal: at most 200 MB)")
EOF
done
