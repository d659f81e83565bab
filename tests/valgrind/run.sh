#!/bin/sh
# Runs a headless recorded session, `poise report` and `poise metrics`
# under valgrind's memcheck: any memory error, or any block definitely
# lost, fails the test (exit 99 from valgrind). Called by ctest (the
# default preset: valgrind and ASan do not mix) as
#   run.sh POISE_BIN TEST_DATA_DIR
set -eu
bin=$1
data=$2
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
vg() {
	valgrind --quiet --error-exitcode=99 --leak-check=full --show-leak-kinds=definite \
		--errors-for-leak-kinds=definite --num-callers=30 "$@"
}
db=$dir/station.db
"$bin" --db "$db" patient add VG1 --name "Valgrind" >/dev/null
echo "== record (headless session on the simulated plate)"
vg "$bin" --db "$db" record --patient VG1 --trial quiet-eo --device sim --fast --seconds 5 --wait 1 \
	--seed 3 >/dev/null
echo "== report"
vg "$bin" --db "$db" report --patient VG1 -o "$dir/report.pdf" --csv "$dir/csv" >/dev/null
echo "== metrics"
vg "$bin" metrics "$data/circle_r10_f0.5_4s.csv" --json >/dev/null
echo "== export, db check"
vg "$bin" --db "$db" export --patient VG1 --format json -o "$dir/export" >/dev/null
vg "$bin" --db "$db" db check >/dev/null
echo "valgrind: 0 errors, 0 bytes definitely lost"
