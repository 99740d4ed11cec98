#!/usr/bin/env python3
"""The spatial corpus (gen_spatial.py) under AddressSanitizer and under unitag, side by side.

The same C sources (tests/juliet/guest/gen/spatial_*.c + juliet_support.c) are built natively
with `gcc -O2 -g -fsanitize=address` and run once per case and variant; the guest images run
under unitag with `bounds`, `heap` and the composite rwx,heap,stack,cfi,frame,bounds. Prints a
Markdown table (region x direction: bad variants caught by each) and every good variant that
any of them flagged (there must be none).

  tests/juliet/spatial_report.py [BUILD_DIR]            both columns (default build dir: build)
  tests/juliet/spatial_report.py --asan-only --check    ASan alone; fails unless it catches every
                                                        bad variant but ASAN_MISSES and no good one
                                                        (a ctest)
"""
import os
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import gen_spatial  # noqa: E402

COMPOSITE = "rwx,heap,stack,cfi,frame,bounds"
# Bad variants ASan (GCC 12, -O2) does not report, with what we saw.
ASAN_MISSES = {
    "stack_int_read_index_way_under": "a read 16 bytes below a stack array, in ASan's left "
                                      "redzone, is not reported (the write twin is)",
}
POLICIES = ("bounds", "heap", COMPOSITE)
CFLAGS = ["-O2", "-g", "-fsanitize=address", "-fno-omit-frame-pointer",
          "-fno-tree-loop-distribute-patterns", "-Wno-stringop-overflow", "-Wno-array-bounds",
          "-Wno-free-nonheap-object", "-Wno-use-after-free", "-Wno-stringop-overread"]


def build_native(out_dir):
    """region -> native ASan executable."""
    exes = {}
    for region in gen_spatial.REGIONS:
        exe = os.path.join(out_dir, gen_spatial.image(region))
        src = os.path.join(HERE, "guest", "gen", gen_spatial.image(region) + ".c")
        cmd = ["gcc", *CFLAGS, "-I", os.path.join(HERE, "guest"), src,
               os.path.join(HERE, "guest", "juliet_support.c"), "-o", exe]
        subprocess.run(cmd, check=True)
        exes[region] = exe
    return exes


def run_asan(exe, name, variant):
    env = dict(os.environ, ASAN_OPTIONS="detect_leaks=0")
    p = subprocess.run([exe, name, variant], capture_output=True, text=True, timeout=60, env=env,
                       stdin=subprocess.DEVNULL)
    return p.returncode != 0 and "AddressSanitizer" in p.stderr


def run_unitag(build, c, variant, policy):
    cmd = [os.path.join(build, "unitag"), "run", "--semihost", "--policy", policy,
           os.path.join(build, "guest", gen_spatial.image(c.region) + ".elf"), "--", c.name,
           variant]
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL)
    return p.returncode == 122 and "tag violation" in p.stderr


def judge(c, exes, build):
    """{checker: (bad caught, good flagged)} for one case."""
    r = {"ASan": (run_asan(exes[c.region], c.name, "bad"),
                  run_asan(exes[c.region], c.name, "good"))}
    if build:
        for policy in POLICIES:
            r[policy] = (run_unitag(build, c, "bad", policy), run_unitag(build, c, "good", policy))
    return r


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    asan_only, check = "--asan-only" in sys.argv, "--check" in sys.argv
    build = None if asan_only else (args[0] if args else "build")
    with tempfile.TemporaryDirectory() as tmp:
        exes = build_native(tmp)
        with ThreadPoolExecutor(max_workers=2) as pool:
            results = list(pool.map(lambda c: judge(c, exes, build), gen_spatial.CASES))
    checkers = ["ASan"] + ([] if asan_only else ["bounds", "heap", "composite"])
    keys = {"composite": COMPOSITE}
    print("| region | direction | cases | " + " | ".join(checkers) + " |")
    print("|---|---|---|" + "---|" * len(checkers))
    for region in gen_spatial.REGIONS:
        for direction in gen_spatial.DIRECTIONS:
            rows = [r for c, r in zip(gen_spatial.CASES, results)
                    if c.region == region and c.direction == direction]
            counts = [sum(r[keys.get(k, k)][0] for r in rows) for k in checkers]
            print(f"| {region} | {direction} | {len(rows)} | " +
                  " | ".join(str(n) for n in counts) + " |")
    totals = [sum(r[keys.get(k, k)][0] for r in results) for k in checkers]
    print(f"| all | all | {len(results)} | " + " | ".join(str(n) for n in totals) + " |")
    problems = []
    for c, r in zip(gen_spatial.CASES, results):
        for k in checkers:
            bad, good = r[keys.get(k, k)]
            if good:
                problems.append(f"{c.name}: good variant flagged by {k}")
            if k == "ASan" and bad == (c.name in ASAN_MISSES):
                problems.append(f"{c.name}: ASan {'caught' if bad else 'missed'} the bad variant "
                                "(ASAN_MISSES says otherwise)")
        if not asan_only and r["ASan"][0] and not r[COMPOSITE][0]:
            print(f"- {c.name}: caught by ASan, missed by bounds and the composite"
                  + (f" ({c.why})" if c.why else ""))
    for p in problems:
        print("PROBLEM: " + p)
    if check and problems:
        sys.exit(1)


if __name__ == "__main__":
    main()
