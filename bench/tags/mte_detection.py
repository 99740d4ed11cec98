#!/usr/bin/env python3
"""Probabilistic (mte) vs deterministic (heap) memory tagging on the same bugs: runs each bug
program once under `heap` and once per seed under `mte:seed=N` (deterministic mode, so a seed
always gives the same keys) and counts the runs stopped with a tag violation (exit 122).
Usage: bench/tags/mte_detection.py [BUILD_DIR] [--seeds N] [--unitag PATH] [--guest-dir DIR]
                                   [--min-caught K]
Prints a Markdown table (docs/policies.md holds a copy with the command line). With
--min-caught K it exits 1 unless mte caught every program in at least K of the N seeds (the
CTest check that the rate is plausible)."""
import argparse
import subprocess
import sys

PROGRAMS = ["heap_overflow", "heap_uaf"]


def caught(unitag, image, policy):
    p = subprocess.run([unitag, "run", image, "--deterministic", "--policy", policy],
                       capture_output=True, text=True)
    if p.returncode not in (0, 122):
        sys.exit(f"{image} under {policy}: exit {p.returncode}\n{p.stderr}")
    return p.returncode == 122


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("build", nargs="?", default="build")
    ap.add_argument("--seeds", type=int, default=200)
    ap.add_argument("--unitag")
    ap.add_argument("--guest-dir")
    ap.add_argument("--min-caught", type=int)
    a = ap.parse_args()
    unitag = a.unitag or f"{a.build}/unitag"
    guests = a.guest_dir or f"{a.build}/guest"
    print(f"| bug program | heap (1 run) | mte ({a.seeds} seeds) | mte miss rate |")
    print("|---|---|---|---|")
    worst = a.seeds
    for prog in PROGRAMS:
        image = f"{guests}/tags_{prog}.elf"
        heap = caught(unitag, image, "heap")
        n = sum(caught(unitag, image, f"mte:seed={s}") for s in range(a.seeds))
        worst = min(worst, n)
        print(f"| {prog} | {'caught' if heap else 'missed'} | {n}/{a.seeds} caught "
              f"({100 * n / a.seeds:.1f} %) | {100 * (a.seeds - n) / a.seeds:.2f} % |", flush=True)
    if a.min_caught is not None and worst < a.min_caught:
        sys.exit(f"mte caught a bug in only {worst} of {a.seeds} seeds (expected >= {a.min_caught})")


main()
