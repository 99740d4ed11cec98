#!/usr/bin/env python3
"""Tags compiled in: each compute guest untagged on the translated engine, then tagged under each
policy on the translated engine and on the interpreter, interleaved --repeat times (default 3).
MIPS are the hart's instructions over its best (least disturbed) host CPU time; the ratio is
tagged jit time over untagged jit time (the same engine). Every tagged pair must agree on output,
instructions, modeled cycles and tag statistics.
With --heldout: the held-out set (bench/guest/heldout: 9 integer and 5 FP programs, about 1 G
instructions each, semihosting), the tagged interpreter run once (it is there to check that both
engines agree, and it takes seconds per program).
Usage: bench/tags/jit_overhead.py [BUILD_DIR] [--repeat N] [--policy P]... [--heldout]
Prints a Markdown table (docs/benchmarks.md holds a copy with the command line)."""
import argparse
import json
import math
import subprocess

parser = argparse.ArgumentParser(description="tagged vs untagged on the translated engine")
parser.add_argument("build", nargs="?", default="build")
parser.add_argument("--repeat", type=int, default=3)
parser.add_argument("--policy", action="append", dest="policies")
parser.add_argument("--heldout", action="store_true")
options = parser.parse_args()
build = options.build
repeat = options.repeat
policies = options.policies or ["rwx,heap,stack,cfi",
                                "rwx,heap,stack,cfi,frame,taint,ifc,compartment,mte,bounds"]
workloads = ["tags_bench_matmul", "tags_bench_crc", "tags_bench_sort", "tags_benign_hash",
             "bench_mandel_int"]
common = []
if options.heldout:
    workloads = ["heldout_" + w for w in ("aes", "crc32", "dijkstra", "edn", "huffman",
                                          "levenshtein", "montmul", "sha256", "sort", "cubic",
                                          "matmul_f", "minver", "nbody", "stats")]
    common = ["--semihost"]


def run(image, flags):
    cmd = ([f"{build}/unitag", "run", "--stats", "-"] + common + flags +
           [f"{build}/guest/{image}.elf"])
    p = subprocess.run(cmd, capture_output=True, text=True, stdin=subprocess.DEVNULL)
    stats = json.loads(p.stderr[p.stderr.index("{"):])
    hart = stats["per_hart"][0]
    return p.stdout, stats, hart["cpu_seconds"]


print("| workload | policy | instructions | untagged jit MIPS | tagged jit MIPS | tagged interp MIPS "
      "| tagged/untagged (jit) | jit/interp (tagged) |")
print("|---|---|---|---|---|---|---|---|")
ratios = {p: [] for p in policies}
for w in workloads:
    for pol in policies:
        best = {"plain": math.inf, "jit": math.inf, "interp": math.inf}
        seen = {}
        for i in range(repeat):
            for kind, flags in (("plain", ["--engine", "jit"]),
                                ("jit", ["--engine", "jit", "--policy", pol]),
                                ("interp", ["--engine", "interp", "--policy", pol])):
                if kind == "interp" and options.heldout and i > 0:
                    continue
                out, stats, cpu = run(w, flags)
                best[kind] = min(best[kind], cpu)
                seen[kind] = (out, stats)
        (out_j, st_j), (out_i, st_i) = seen["jit"], seen["interp"]
        assert st_j["per_hart"][0]["engine"] == "jit", f"{w}: the tagged run was not translated"
        assert out_j == out_i, f"{w} {pol}: the engines printed different output"
        assert st_j["per_hart"][0]["cycles"] == st_i["per_hart"][0]["cycles"], f"{w}: cycles"
        assert st_j["tags"] == st_i["tags"], f"{w} {pol}: tag statistics differ"
        n = st_j["instructions"]
        mips = {k: n / v / 1e6 for k, v in best.items()}
        ratio = best["jit"] / best["plain"]
        ratios[pol].append(ratio)
        print(f"| {w} | {pol} | {n:,} | {mips['plain']:.0f} | {mips['jit']:.0f} | "
              f"{mips['interp']:.0f} | {ratio:.2f}x | {mips['jit'] / mips['interp']:.2f}x |",
              flush=True)
for pol, r in ratios.items():
    g = math.exp(sum(map(math.log, r)) / len(r))
    print(f"\ngeometric mean tagged/untagged on jit, {pol}: {g:.2f}x")
