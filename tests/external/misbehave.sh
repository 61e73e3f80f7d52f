#!/bin/sh
# misbehave.sh MODE FILE DIMX DIMY - an external estimator that fails the
# way real ones do, for tests/test_external.c.
case "$1" in
  fail) echo "cannot fit: singular matrix" >&2; exit 3 ;;
  hang) sleep 60 & wait ;;
  closed) exec >&- 2>&-; sleep 60 ;;
  garbage) echo "estimate follows"; echo "0.5 nats" ;;
  crash) echo "about to crash" >&2; kill -SEGV $$ ;;
  nan) echo nan ;;
  silent) exit 0 ;;
  seed) echo "$MIBENCH_SEED.$MIBENCH_THREADS" | cut -c1-1 >/dev/null; echo 0.25 ;;
  badworker) read line; echo '{"answer": 1}'; read line; echo '{"error": "no model"}' ;;
esac
