#!/usr/bin/env bash
# cli_plugin.sh - C plugins (mibench/plugin.h) from the command line: the
# example plugin (examples/plugin/pearson.c, built by meson: $PLUGIN) is
# listed, estimates exactly the closed form -1/2 ln(1 - r^2) computed here
# by awk from the same CSV, and runs in sweeps (--plugin, and [plugins] in
# a study file, with --resume); plugins with another ABI version, without
# the contract's symbols, with a taken name, and missing or non-ELF files
# are refused with one stderr line. Small plugins are compiled here with
# $CC against the headers alone, the way a user builds one.
. "$(dirname "$0")/lib.sh"
: "${PLUGIN:?PLUGIN must name the example plugin}" "${CC:?CC must name the C compiler}"
ABI=$(sed -n 's/^#define MIB_ABI_VERSION \([0-9]*\).*/\1/p' "$SRC/include/mibench/abi.h")

# build_plugin NAME: $TMP/NAME.c (written by the caller) -> $TMP/NAME.so
build_plugin() {
  CHECKS=$((CHECKS + 1))
  if $CC -std=c11 -Wall -Werror -shared -fPIC -I"$SRC/include" -o "$TMP/$1.so" "$TMP/$1.c" \
       >"$TMP/cc.out" 2>&1
  then pass "built $1.so"; else fail "building $1.so: $(cat "$TMP/cc.out")"; fi
}

# expect_rel WHAT GOT WANT RELTOL: |GOT - WANT| <= RELTOL |WANT|
expect_rel() {
  CHECKS=$((CHECKS + 1))
  if awk -v g="$2" -v w="$3" -v t="$4" 'BEGIN { d = g - w; if (d < 0) d = -d;
       a = w < 0 ? -w : w; exit !(g != "" && d <= t * a) }'
  then pass "$1: $2 ~ $3"; else fail "$1: got '$2', want $3 within $4 relative"; fi
}

# list: the plugin's types beside the built-ins, from their own tables
expect_ok list --plugin "$PLUGIN"
grep -q "^  pearson  *Gaussian MI of the sample correlation (1-D)$" "$TMP/out"
expect_eq "list shows pearson" $? 0
grep -q "^      shrink  *default 0  *shrink r towards 0 by this fraction; number in \[0, 1\]$" "$TMP/out"
expect_eq "pearson's parameter table" $? 0
grep -q "^  bivariate  *standard bivariate normal" "$TMP/out"; expect_eq "list shows bivariate" $? 0
grep -q "^  ksg1 " "$TMP/out"; expect_eq "built-ins still listed" $? 0
expect_ok list estimators --plugin "$PLUGIN"
grep -q "bivariate" "$TMP/out"; expect_eq "list estimators leaves out generators" $? 1
expect_ok list --help
grep -q "^  --plugin PATH.so" "$TMP/out"; expect_eq "list --help shows --plugin" $? 0

# estimate: the closed form over the same CSV, computed independently
expect_ok sample gaussian:rho=0.6 -n 2000 --seed 5 -o "$TMP/g.csv"
closed() { # closed SHRINK: -1/2 ln(1 - ((1 - SHRINK) r)^2) of $TMP/g.csv
  awk -F, -v c="$1" 'NR > 1 { x[NR] = $1; y[NR] = $2; mx += $1; my += $2; n++ }
    END { mx /= n; my /= n
          for (i in x) { a = x[i] - mx; b = y[i] - my; sxx += a * a; syy += b * b; sxy += a * b }
          r = (1 - c) * sxy / sqrt(sxx * syy); printf "%.17g\n", -0.5 * log(1 - r * r) }' "$TMP/g.csv"
}
expect_ok estimate pearson "$TMP/g.csv" --plugin "$PLUGIN"
expect_rel "pearson = -1/2 ln(1 - r^2)" "$(cat "$TMP/out")" "$(closed 0)" 1e-12
expect_ok estimate pearson:shrink=0.25 "$TMP/g.csv" --plugin "$PLUGIN"
expect_rel "pearson:shrink=0.25" "$(cat "$TMP/out")" "$(closed 0.25)" 1e-12
expect_ok estimate gaussian "$TMP/g.csv"
expect_rel "pearson = built-in gaussian" "$("$MIBENCH" estimate pearson "$TMP/g.csv" --plugin "$PLUGIN")" \
  "$(cat "$TMP/out")" 1e-12
expect_ok estimate pearson "$TMP/g.csv" --plugin "$PLUGIN" --json
grep -q '"estimator": "pearson:shrink=0"' "$TMP/out"; expect_eq "canonical plugin spec" $? 0
expect_ok estimate --help
grep -q "^  --plugin " "$TMP/out"; expect_eq "estimate --help shows --plugin" $? 0
expect_fail 2 "unknown estimator 'pearson'" -- estimate pearson "$TMP/g.csv"
expect_fail 2 "estimator 'pearson': shrink=2 is out of range; allowed: number in [0, 1]" -- estimate pearson:shrink=2 "$TMP/g.csv" --plugin "$PLUGIN"
expect_ok sample gaussian:dim=2 -n 100 -o "$TMP/g2.csv"
expect_fail 1 "pearson needs 1-D x and y (dx=2, dy=2)" -- estimate pearson "$TMP/g2.csv" \
  --plugin "$PLUGIN"

# the documented build (headers only) gives the same plugin
cp "$SRC/examples/plugin/pearson.c" "$TMP/copy.c"
build_plugin copy
expect_ok estimate pearson "$TMP/g.csv" --plugin "$TMP/copy.so"
expect_eq "user-built = meson-built" "$(cat "$TMP/out")" \
  "$("$MIBENCH" estimate pearson "$TMP/g.csv" --plugin "$PLUGIN")"

# run --plugin: a plugin generator and estimator in a sweep; pearson equals
# the built-in gaussian estimator on every cell (the same samples)
expect_ok run --plugin "$PLUGIN" --gen 'bivariate:rho=0.3|0.8' --gen gaussian --est pearson \
  --est gaussian --n 100,300 --seeds 3 -o "$TMP/r.h5" --quiet
expect_ok check "$TMP/r.h5" "$TMP/r.h5"
grep -q "^12 cells compared" "$TMP/out"; expect_eq "2 x 2 x 2 + 4 cells" $? 0
p=$(grep ' | pearson | ' "$TMP/out" | awk '{print $(NF-5)}' | tr '\n' ' ')
g=$(grep ' | gaussian | ' "$TMP/out" | awk '{print $(NF-5)}' | tr '\n' ' ')
expect_eq "pearson means = gaussian means" "$p" "$g"
h5dump -a /study_text "$TMP/r.h5" | grep -q "plugin = $PLUGIN"
expect_eq "--plugin stored in the study text" $? 0
h5dump -d /cells "$TMP/r.h5" | grep -q '"bivariate:rho=0.8"'; expect_eq "plugin cell stored" $? 0
expect_ok run --plugin "$PLUGIN" --gen bivariate:rho=0.8 --est pearson --n 100 --seeds 2 \
  -o "$TMP/t.h5" --quiet
expect_rel "bivariate truth -1/2 ln(1 - 0.8^2)" \
  "$(table "$TMP/t.h5" /cells 6)" \
  "$(awk 'BEGIN { printf "%.17g", -0.5 * log(1 - 0.64) }')" 1e-15
expect_ok run --help
grep -q "^  --plugin PATH.so" "$TMP/out"; expect_eq "run --help shows --plugin" $? 0
expect_fail 2 "unknown generator 'bivariate'" -- run --gen bivariate --est gaussian --n 100 \
  -o "$TMP/x.h5"

# the same from a study file; [plugins] may come last, and --resume keeps it
printf '[study]\nseed = 3\nreplicates = 2\nn = 200\n[generators]\ngen = bivariate:rho=0.5\n[estimators]\nest = pearson\nest = ksg1\n[plugins]\nplugin = %s\n' \
  "$PLUGIN" >"$TMP/s.ini"
expect_ok run "$TMP/s.ini" -o "$TMP/s.h5" --quiet
expect_ok run "$TMP/s.ini" -o "$TMP/s.h5" --resume
grep -q "(4 kept, 0 run)" "$TMP/err"; expect_eq "resume reruns nothing" $? 0
expect_ok run "$TMP/s.ini" --plugin "$PLUGIN" -o "$TMP/s2.h5" --quiet
sed 's/^plugin = /path = /' "$TMP/s.ini" >"$TMP/bad.ini"
expect_fail 2 "bad.ini:11: unknown key 'path' in [plugins]; write plugin = PATH.so" -- \
  run "$TMP/bad.ini" -o "$TMP/x.h5"
sed "s|^plugin = .*|plugin = $TMP/none.so|" "$TMP/s.ini" >"$TMP/none.ini"
expect_fail 1 "none.ini:11: cannot open plugin '$TMP/none.so': No such file or directory" -- \
  run "$TMP/none.ini" -o "$TMP/x.h5"

# refusals: one line, exit 1 for a file that is not a usable plugin
cat >"$TMP/abi.c" <<'C'
/* a plugin compiled against headers of another ABI version */
#include <mibench/plugin.h>
#undef MIB_ABI_VERSION
#define MIB_ABI_VERSION 9999
static int est(const mib_data *d, const mib_spec *s, const mib_workspace *w, mib_result *r,
               mib_err *e) { (void)d; (void)s; (void)w; (void)e; r->mi = 0; return MIB_OK; }
static const mib_estimator_type t = {.info = {"other", "other ABI", NULL}, .estimate = est};
static const mib_estimator_type *const ests[] = {&t, NULL};
MIB_PLUGIN_DEFINE(ests, NULL);
C
build_plugin abi
want="plugin '$TMP/abi.so' was built for ABI version 9999, but this mibench has ABI version $ABI"
expect_fail 1 "$want" -- list --plugin "$TMP/abi.so"
expect_fail 1 "$want" -- estimate other "$TMP/g.csv" --plugin "$TMP/abi.so"
expect_fail 1 "$want" -- run --plugin "$TMP/abi.so" --gen gaussian --est other --n 100 -o "$TMP/x.h5"
printf 'int not_a_plugin;\n' >"$TMP/nosym.c"
build_plugin nosym
expect_fail 1 "'$TMP/nosym.so' is not a mibench plugin: it has no symbol mib_plugin_abi" -- \
  list --plugin "$TMP/nosym.so"
expect_fail 1 "cannot open plugin '$TMP/none.so': No such file or directory" -- \
  list --plugin "$TMP/none.so"
expect_fail 1 "cannot open plugin '$TMP/none.so': No such file or directory" -- \
  estimate pearson "$TMP/g.csv" --plugin "$TMP/none.so"
expect_fail 1 "cannot open plugin '$TMP/none.so': No such file or directory" -- \
  run --plugin "$TMP/none.so" --gen gaussian --est gaussian --n 100 -o "$TMP/x.h5"
echo "not an ELF file" >"$TMP/text.so"
expect_fail 1 "cannot load plugin '$TMP/text.so': " -- list --plugin "$TMP/text.so"
cat >"$TMP/nohook.c" <<'C'
#include <mibench/plugin.h>
static const mib_generator_type g = {.info = {"nohook", "no functions", NULL}};
static const mib_generator_type *const gens[] = {&g, NULL};
MIB_PLUGIN_DEFINE(NULL, gens);
C
build_plugin nohook
expect_fail 1 "generator 'nohook' has no init, truth or sample function" -- \
  list --plugin "$TMP/nohook.so"

# names: a built-in's or another plugin's name is refused (exit 2); the
# same file twice is loaded once
sed 's/"other", "other ABI"/"ksg1", "a clash"/; /MIB_ABI_VERSION/d' "$TMP/abi.c" >"$TMP/clash.c"
build_plugin clash
expect_fail 2 "plugin '$TMP/clash.so': estimator name 'ksg1' is already taken" -- \
  list --plugin "$TMP/clash.so"
expect_fail 2 "plugin '$TMP/copy.so': estimator name 'pearson' is already taken" -- \
  list --plugin "$PLUGIN" --plugin "$TMP/copy.so"
expect_ok list --plugin "$PLUGIN" --plugin "$PLUGIN"
expect_eq "loaded once" "$(grep -c '^  pearson ' "$TMP/out")" "1"
# a relative path is taken in the current directory, never searched for
( cd "$TMP" && "$MIBENCH" list estimators --plugin copy.so >"$TMP/out" 2>"$TMP/err" )
expect_eq "relative path" "$?:$(grep -c '^  pearson ' "$TMP/out")" "0:1"

# the library route with libmibench loaded RTLD_LOCAL (as ctypes loads it):
# the plugin's calls into the library still bind
# (not in the sanitizer build: an ASan library cannot load into python3)
if [ -n "${LIBMIBENCH:-}" ] && [ "${MIBENCH_SANITIZED:-0}" != 1 ] && command -v python3 >/dev/null; then
  CHECKS=$((CHECKS + 1))
  if python3 - "$LIBMIBENCH" "$PLUGIN" >"$TMP/py.out" 2>&1 <<'PY'
import ctypes, sys
lib = ctypes.CDLL(sys.argv[1])                 # RTLD_LOCAL
lib.mib_abi_sizeof.restype = ctypes.c_size_t
study = ctypes.create_string_buffer(lib.mib_abi_sizeof(b"mib_study"))
err = ctypes.create_string_buffer(lib.mib_abi_sizeof(b"mib_err"))
lib.mib_study_init(study)
for call, arg in [(lib.mib_study_add_plugin, sys.argv[2].encode()),
                  (lib.mib_study_add_generator, b"bivariate:rho=0.9"),
                  (lib.mib_study_add_estimator, b"pearson:shrink=0.5")]:
    if call(study, arg, err) != 0:
        sys.exit("%s: %s" % (arg.decode(), err.value.decode()))
lib.mib_study_free(study)
PY
  then pass "mib_study_add_plugin through ctypes"; else fail "ctypes: $(cat "$TMP/py.out")"; fi
fi

finish
