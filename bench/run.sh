#!/usr/bin/env bash
# bench/run.sh [BUILD_DIR] — builds what the benchmarks need (a Release build in BUILD_DIR,
# default build-bench), starts the local services (scripts/services.sh: PostgreSQL and the HTTP
# fixture, all on 127.0.0.1), runs every benchmark in one run and prints the table:
# benchmark, ours, anchor, ratio, target, verdict. docs/benchmarks.md explains each row.
# Extra arguments after BUILD_DIR go to bench/bench.py (e.g. --quick, --only vm,sh).
# The results are also written as JSON to BUILD_DIR/bench/results.json.
# Never a test: nothing here fails on a slow figure (exit 0 unless a benchmark cannot run).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
repo=$PWD
build=${1:-build-bench}
shift || true
case $build in /*) ;; *) build=$repo/$build ;; esac

for tool in cmake python3 lua5.4; do
  command -v "$tool" >/dev/null || { echo "bench: $tool is needed" >&2; exit 1; }
done

if [[ ! -f $build/CMakeCache.txt ]]; then
  cmake -S "$repo" -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null
fi
btype=$(sed -n 's/^CMAKE_BUILD_TYPE:[A-Z]*=//p' "$build/CMakeCache.txt")
[[ $btype == Release ]] || echo "bench: warning: $build is a '$btype' build, not Release" >&2
targets=(runbook)
known=$(cmake --build "$build" --target help 2>/dev/null || true)
for t in runbook-http runbook-sql rbk-http-anchor rbk-sql-anchor rbk-fixture-httpd; do
  if grep -qx "\.\.\. $t" <<<"$known"; then targets+=("$t"); fi
done
cmake --build "$build" -j"$(nproc)" --target "${targets[@]}" >/dev/null

work=$(mktemp -d /tmp/rbk-bench.XXXXXX)
svc=$work/svc
cleanup() {
  bash "$repo/scripts/services.sh" stop "$svc" >/dev/null 2>&1 || true
  bash "$repo/scripts/sshd_fleet.sh" stop "$work/fleet" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
RBK_FIXTURE_HTTPD=""
[[ -x $build/tests/fixtures/rbk-fixture-httpd ]] && RBK_FIXTURE_HTTPD=$build/tests/fixtures/rbk-fixture-httpd
export RBK_FIXTURE_HTTPD
bash "$repo/scripts/services.sh" start "$svc" >&2 || echo "bench: services did not start; HTTP/SQL rows are skipped" >&2

# the fleet rows (issue 16): 100 hosts of real sshd on 127.0.10.x
fleet_env=
if [[ -x /usr/sbin/sshd ]] && bash "$repo/scripts/sshd_fleet.sh" start "$work/fleet" 100 >&2; then
  fleet_env=$work/fleet/fleet.env
else
  echo "bench: the sshd fleet did not start; the fleet rows are skipped" >&2
fi

mkdir -p "$build/bench"
python3 "$repo/bench/bench.py" --build "$build" --work "$work" --services-env "$svc/services.env" ${fleet_env:+--fleet-env "$fleet_env"} \
  --json "$build/bench/results.json" "$@"
