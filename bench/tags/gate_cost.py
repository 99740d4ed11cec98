#!/usr/bin/env python3
"""The cost of a call through a compartment gate vs a plain call: tags_bench_gate (10 M calls of
a gate of compartment "counter") and tags_bench_gate_plain (the same function in shared code),
each untagged and under --policy compartment, --repeat times (default 5) interleaved; host time
is the best CPU time (the host is shared and noisy), modeled cycles come from --stats (exact).
Usage: bench/tags/gate_cost.py [BUILD_DIR] [--repeat N]
Prints a Markdown table (docs/policies.md holds a copy with the command line)."""
import json
import subprocess
import sys

CALLS = 10_000_000
args = sys.argv[1:]
build = args.pop(0) if args and not args[0].startswith("--") else "build"
repeat = int(args[args.index("--repeat") + 1]) if "--repeat" in args else 5


def run(image, flags):
    cmd = [f"{build}/unitag", "run", f"{build}/guest/tags_{image}.elf", "--stats", "-"] + flags
    p = subprocess.run(cmd, capture_output=True, text=True, check=True)
    j = json.loads(p.stderr[p.stderr.index("{"):])
    return j["per_hart"][0]["cycles"], j["per_hart"][0]["cpu_seconds"]


rows = {}
for _ in range(repeat):
    for image in ["bench_gate_plain", "bench_gate"]:
        for policy in ["untagged", "compartment"]:
            flags = [] if policy == "untagged" else ["--policy", policy]
            cycles, cpu = run(image, flags)
            best = rows.get((image, policy), (cycles, cpu))
            rows[(image, policy)] = (cycles, min(cpu, best[1]))
print("| calls | policy | modeled cycles per call | host ns per call |")
print("|---|---|---|---|")
for image, what in [("bench_gate_plain", "plain call"), ("bench_gate", "through a gate")]:
    for policy in ["untagged", "compartment"]:
        cycles, cpu = rows[(image, policy)]
        print(f"| {what} | {policy} | {cycles / CALLS:.4f} | {1e9 * cpu / CALLS:.2f} |")
