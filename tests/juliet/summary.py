#!/usr/bin/env python3
"""Runs the Juliet-style heap corpus (tests/juliet) and prints a Markdown table per CWE family:
bad variants caught by `--policy heap` (with the right report kind), known misses, and good
variants that ran clean under `--policy heap` and under the composite rwx,heap,stack,cfi.

  tests/juliet/summary.py [BUILD_DIR] [--colours N]   (default: build; unbounded colours)

--colours N runs the heap policy with a palette of N reused colours (heap:colours=N), to see
what detection a few tag bits keep.
"""
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import gen_cases  # noqa: E402

HEAP = "heap"


def run(build, image, name, variant, policy):
    cmd = [os.path.join(build, "unitag"), "run", "--semihost", "--policy", policy,
           os.path.join(build, "guest", image + ".elf"), "--", name, variant]
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)
    return p.returncode, p.stdout, p.stderr


def judge(build, c):
    image = gen_cases.family_file(c.family)
    code, _, err = run(build, image, c.name, "bad", HEAP)
    caught = code == 122 and f"tag violation: {c.kind}\n" in err
    clean = []
    for policy in (HEAP, f"rwx,{HEAP},stack,cfi"):
        code, out, _ = run(build, image, c.name, "good", policy)
        clean.append(code == 0 and out.endswith("finished\n"))
    return c, caught, clean


def main():
    global HEAP
    args = sys.argv[1:]
    if "--colours" in args:
        i = args.index("--colours")
        HEAP = f"heap:colours={args[i + 1]}"
        del args[i:i + 2]
    build = os.path.abspath(args[0] if args else os.path.join(HERE, "..", "..", "build"))
    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(lambda c: judge(build, c), gen_cases.CASES))
    rows = {}
    unexpected = []
    for c, caught, clean in results:
        r = rows.setdefault(c.family, dict(bad=0, caught=0, miss=0, heap=0, comp=0))
        r["bad"] += 1
        r["caught"] += caught
        r["miss"] += c.expect == "miss" and not caught
        r["heap"] += clean[0]
        r["comp"] += clean[1]
        if caught != (c.expect == "caught") or not all(clean):
            unexpected.append(f"{c.name}: bad {'caught' if caught else 'missed'} "
                              f"(expected {c.expect}), good clean heap={clean[0]} "
                              f"composite={clean[1]}")
    print("| CWE | bad caught | known misses | good clean (heap) | good clean (composite) |")
    print("|---|---|---|---|---|")
    total = dict(bad=0, caught=0, miss=0, heap=0, comp=0)
    for family, r in rows.items():
        print(f"| {family} | {r['caught']}/{r['bad']} | {r['miss']} | {r['heap']}/{r['bad']} | "
              f"{r['comp']}/{r['bad']} |")
        for k in total:
            total[k] += r[k]
    print(f"| **all** | **{total['caught']}/{total['bad']}** | {total['miss']} | "
          f"**{total['heap']}/{total['bad']}** | **{total['comp']}/{total['bad']}** |")
    for line in unexpected:
        print("unexpected:", line, file=sys.stderr)
    return 1 if unexpected else 0


if __name__ == "__main__":
    sys.exit(main())
