#!/usr/bin/env python3
"""`unitag report`: summarises a real run's --stats JSON and a stats file with a tag-policy
section, and refuses a missing or invalid file with a clear message and exit code."""
import argparse
import os
import re
import subprocess
import sys
import tempfile

parser = argparse.ArgumentParser()
parser.add_argument("--unitag", required=True)
parser.add_argument("--image", required=True)
parser.add_argument("--tag-stats", required=True, help="a stats file with a tags section")
args = parser.parse_args()
failed = []


def report(path):
    return subprocess.run([args.unitag, "report", path], capture_output=True, text=True, timeout=60)


def expect(what, result, code, out_patterns=(), err_pattern=None):
    if result.returncode != code:
        failed.append(f"{what}: exit code {result.returncode}, expected {code}\n{result.stdout}{result.stderr}")
    for p in out_patterns:
        if not re.search(p, result.stdout):
            failed.append(f"{what}: stdout does not match /{p}/:\n{result.stdout}")
    if err_pattern and not re.search(err_pattern, result.stderr):
        failed.append(f"{what}: stderr does not match /{err_pattern}/:\n{result.stderr}")


with tempfile.TemporaryDirectory() as tmp:
    stats = os.path.join(tmp, "run.json")
    run = subprocess.run([args.unitag, "run", "--deterministic", "--harts", "2", args.image, "--stats", stats],
                         capture_output=True, text=True, timeout=60)
    if run.returncode != 0:
        sys.exit(f"unitag run failed ({run.returncode}): {run.stderr}")
    expect("report of a run", report(stats), 0, [
        r"run of .*trace_demo\.elf",
        r"2 hart\(s\), deterministic mode; stopped: guest-exit, exit code 0",
        r"\d+ instructions in [0-9.e-]+ s wall time",
        r"hart\s+instructions\s+cycles\s+host s\s+MIPS\s+traps",
        r"\n\s+0\s+\d+\s+\d+\s+",
        r"\n\s+1\s+\d+\s+\d+\s+",
        r"hart 0: traps: none; interrupts: none",
    ])
    expect("report with tag statistics", report(args.tag_stats), 0, [
        r"tags:",
        r"policies:",
        r"name\s+rules\s+hits\s+misses\s+distinct_rules\s+distinct_tags\s+modeled_cycles",
        r"rwx\s+1000\s+990\s+10\s+12\s+4\s+500",
        r"rule_cache:\n\s+hits: 900\n\s+misses: 100\n\s+hit rate: 90\.00%",
        r"hart 0: traps: illegal instruction 2; interrupts: machine timer interrupt 3",
    ])
    missing = os.path.join(tmp, "missing.json")
    expect("missing file", report(missing), 66, err_pattern=r"missing\.json: cannot open; write statistics with")
    bad = os.path.join(tmp, "bad.json")
    with open(bad, "w") as f:
        f.write("{ not json")
    expect("invalid JSON", report(bad), 65, err_pattern=r"bad\.json: not valid JSON")
    other = os.path.join(tmp, "other.json")
    with open(other, "w") as f:
        f.write('{"hello": 1}')
    expect("JSON that is not a stats file", report(other), 65, err_pattern=r"not a `unitag run --stats` file")

if failed:
    sys.exit("\n".join(failed))
print("report ok")
