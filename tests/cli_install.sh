#!/usr/bin/env bash
# cli_install.sh - the library as a new user gets it: `meson install` into a
# scratch prefix, then README's C example built with
# `pkg-config --cflags --libs mibench` alone, run, and checked: it prints a
# finite KSG estimate. Also: the installed library NEEDs no CLI-only code.
. "$(dirname "$0")/lib.sh"
: "${BUILD:?}" "${SRC:?}"

DEST="$TMP/dest"
if meson install -C "$BUILD" --destdir "$DEST" --no-rebuild --quiet >"$TMP/install.out" 2>&1
then pass "meson install into a scratch destdir"
else fail "meson install: $(tail -3 "$TMP/install.out")"; finish; fi

pc=$(find "$DEST" -name mibench.pc | head -1)
[ -n "$pc" ]; expect_eq "mibench.pc installed" $? 0
prefix=$(sed -n 's/^prefix=//p' "$pc")
sed -i "s|^prefix=.*|prefix=$DEST$prefix|" "$pc"
export PKG_CONFIG_PATH="$(dirname "$pc")"

# README's example: the ```c block after the <!-- c-example --> marker.
awk '/<!-- c-example -->/ {on = 1; next} on && /^```c$/ {grab = 1; next}
     grab && /^```$/ {exit} grab {print}' "$SRC/README.md" >"$TMP/example.c"
CHECKS=$((CHECKS + 1))
if grep -q "mib_estimate" "$TMP/example.c" &&
   cc -std=c11 -Wall -Werror -o "$TMP/example" "$TMP/example.c" \
     $(pkg-config --cflags --libs mibench) >"$TMP/cc.out" 2>&1
then pass "README example links with pkg-config --cflags --libs mibench alone"
else fail "README example does not build: $(head -5 "$TMP/cc.out" 2>/dev/null)"; fi

libdir=$(dirname "$(find "$DEST" -name 'libmibench.so.0' | head -1)")
out=$(LD_LIBRARY_PATH="$libdir" "$TMP/example" 2>&1)
case "$out" in
  "true 0.510826, ksg1 "*nats) pass "README example runs: $out" ;;
  *) fail "README example printed '$out'" ;;
esac
CHECKS=$((CHECKS + 1))

# The shared library carries no CLI code: no gnuplot runner, no CSV reader,
# no OpenBLAS kernel re-exec, and only the public API is exported.
syms=$(nm -D --defined-only "$libdir/libmibench.so.0" | awk '{print $3}')
for bad in mib_csv_read mib_plot_render mib_check_compare mib_blas_select_kernels; do
  CHECKS=$((CHECKS + 1))
  if grep -qx "$bad" <<<"$syms"; then fail "libmibench exports $bad"
  else pass "libmibench does not carry $bad"; fi
done
CHECKS=$((CHECKS + 1))
others=$(grep -v '^mib_' <<<"$syms" | grep -v '^[_.]' | head -3 | tr '\n' ' ')
if [ -n "$others" ]; then fail "libmibench exports non-mib_ symbols: $others"
else pass "every exported symbol is mib_*"; fi

finish
