"""Sum meson test logs into one line 'N passed, N failed[, N skipped]'.

    test_summary.py LOG.json [LOG.json ...]

A Criterion executable counts its cases (from its 'Synthesis:' line); any
other test counts as one. A skipped test (exit 77, e.g. no gnuplot) is
counted as skipped, never as passed. A log that is missing (its build
failed before any test ran) counts as one failure. Exits 1 when anything
failed or nothing ran."""
import json
import os
import re
import sys

SYNTH = re.compile(r"Synthesis: Tested: (\d+) \| Passing: (\d+) \| Failing: (\d+) \| Crashing: (\d+)")
passed = failed = skipped = 0
for path in sys.argv[1:]:
    if not os.path.exists(path):
        print(f"test_summary: {path} is missing (the build failed?)", file=sys.stderr)
        failed += 1
        continue
    with open(path) as log:
        for line in log:
            t = json.loads(line)
            out = (t.get("stdout") or "") + (t.get("stderr") or "")
            m = SYNTH.search(out)
            ok = t.get("result") in ("OK", "EXPECTEDFAIL")
            if t.get("result") == "SKIP":
                skipped += 1
            elif m:
                passed += int(m.group(2))
                failed += int(m.group(3)) + int(m.group(4))
                if not ok and int(m.group(3)) + int(m.group(4)) == 0:
                    failed += 1  # crashed, leaked or timed out outside any case
            elif ok:
                passed += 1
            else:
                failed += 1
print(f"{passed} passed, {failed} failed" + (f", {skipped} skipped" if skipped else ""))
sys.exit(1 if failed or passed == 0 else 0)
