#!/usr/bin/env python3
"""The attack matrix: every attack under every policy -> caught or not, checked against
tests/attacks/expected.txt (docs/security.md explains it).

Rows are the RIPE-style shapes of guest/ripe.c (technique x location x code pointer x payload,
each with a benign twin that must run clean under every column) and the single-purpose attack
programs of tests/tags/guest. A cell is C (stopped with a tag violation, exit 122), S (the
attack succeeded: ripe prints ATTACK SUCCEEDED and exits 66; a tags program runs to its end) or,
for the single-purpose programs only, F (not stopped by a policy, but the corrupted program then
faulted, spun to the instruction limit or failed its own check: any other exit). Anything
else (a RIPE shape that crashes, a benign twin stopped) is an error and fails the check.

Usage: matrix.py BUILD_DIR [--row PREFIX]... [--write-expected] [--markdown] [--jobs N]
  --row PREFIX      only rows whose name starts with PREFIX (a CTest runs one shape this way)
  --write-expected  rewrite expected.txt from this run (review the diff before committing)
  --markdown        print the matrix as a Markdown table (docs/security.md holds a copy)"""
import concurrent.futures
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
EXPECTED = os.path.join(HERE, "expected.txt")
ALL_TEN = "rwx,heap,stack,cfi,frame,taint,ifc,compartment,mte,bounds"
COLUMNS = [("none", None), ("rwx", "rwx"), ("heap", "heap"), ("stack", "stack"), ("cfi", "cfi"),
           ("frame", "frame"), ("taint", "taint"), ("ifc", "ifc"),
           ("compartment", "compartment"), ("mte", "mte"), ("bounds", "bounds"),
           ("composite", "rwx,heap,stack,cfi"), ("all", ALL_TEN)]

RIPE_SHAPES = ([("direct", "stack", t) for t in ("ret", "funcptr", "longjmp", "structfp")] +
               [("direct", loc, t) for loc in ("heap", "data", "bss")
                for t in ("funcptr", "longjmp", "structfp")] +
               [("indirect", loc, t) for loc in ("stack", "heap", "data", "bss")
                for t in ("ret", "funcptr", "longjmp")])
PAYLOADS = ("ret2func", "rop", "inject")

# Single-purpose attacks (tests/tags/guest): name -> (image, unitag flags, semihosting, twin).
SINGLE = {
    "heap-overflow": ("tags_heap_overflow", [], False, "tags_benign_hash"),
    "heap-underflow": ("tags_heap_underflow", [], False, "tags_benign_hash"),
    "use-after-free": ("tags_heap_uaf", [], False, "tags_benign_hash"),
    "double-free": ("tags_heap_double_free", [], False, "tags_benign_hash"),
    "stack-smash": ("tags_stack_smash", [], False, "tags_benign_recursion"),
    "return-to-non-return-site": ("tags_cfi_return", [], False, "tags_benign_recursion"),
    "call-to-non-entry": ("tags_cfi_call", [], False, "tags_benign_fnptr"),
    "jump-into-function-body": ("tags_cfi_jump", [], False, "tags_benign_fnptr"),
    "code-injection": ("tags_rwx_exec_data", [], False, "tags_benign_fnptr"),
    "code-overwrite": ("tags_rwx_write_code", [], False, "tags_benign_fnptr"),
    "jump-through-uart-input": ("tags_taint_uart_jump",
                                ["--uart-in", os.path.join(HERE, "..", "tags",
                                                           "taint_uart_overflow.txt")],
                                False, None),
    "secret-to-console": ("tags_ifc_uart_leak", [], False, "tags_ifc_benign"),
    "cross-compartment-read": ("tags_compartment_overread", [], False,
                               "tags_compartment_benign"),
    "dangling-stack-frame": ("tags_frame_dangling", [], False, "tags_benign_frames"),
    "struct-field-overflow": ("tags_bounds_field_overflow", [], False, "tags_bounds_benign"),
}


def rows():
    """(name, image, flags, guest args, semihosting, kind) for every attack, then twins."""
    out = []
    for technique, location, target in RIPE_SHAPES:
        for payload in PAYLOADS:
            out.append((f"ripe-{technique}-{location}-{target}-{payload}", "attacks_ripe", [],
                        [technique, location, target, payload], True, "ripe"))
    for name, (image, flags, semihost, _) in SINGLE.items():
        out.append((name, image, flags, [], semihost, "single"))
    return out


def twins():
    out = []
    for technique, location, target in RIPE_SHAPES:
        out.append((f"ripe-{technique}-{location}-{target}", "attacks_ripe", [],
                    [technique, location, target, "ret2func", "benign"], True, "twin"))
    for name, (_, flags, semihost, twin) in SINGLE.items():
        if twin:
            out.append((name, twin, flags, [], semihost, "twin"))
    return out


def run(build, row, policy):
    name, image, flags, guest_args, semihost, kind = row
    cmd = [os.path.join(build, "unitag"), "run", "--deterministic", "--max-insns",
           "200000000" if kind != "single" else "20000000"]
    cmd += ["--semihost"] if semihost else []
    cmd += ["--policy", policy] if policy else []
    cmd += flags + [os.path.join(build, "guest", image + ".elf")]
    cmd += ["--"] + guest_args if guest_args else []
    p = subprocess.run(cmd, capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=120)
    shown = " ".join(cmd)
    if p.returncode == 122:
        m = re.search(r"tag violation: (\S+)", p.stderr)
        return "C", m.group(1) if m else "?", shown
    if kind == "ripe" and p.returncode == 66 and "ATTACK SUCCEEDED" in p.stdout:
        return "S", "", shown
    if kind == "single" and p.returncode == 0:
        return "S", "", shown
    if kind == "single":  # not stopped: the corrupted program faulted, spun or failed its own check
        return "F", ((p.stderr + p.stdout).strip().splitlines() or [""])[0][:160], shown
    if kind == "twin" and p.returncode == 0 and (image != "attacks_ripe" or
                                                 "benign ok" in p.stdout):
        return "ok", "", shown
    detail = (p.stderr.strip().splitlines() or p.stdout.strip().splitlines() or [""])[0]
    return "E", f"exit {p.returncode}: {detail[:160]}", shown


def read_expected():
    expected = {}
    with open(EXPECTED) as f:
        for line in f:
            if line.strip() and not line.startswith("#"):
                name, *cells = line.split()
                expected[name] = cells
    return expected


def main():
    args = sys.argv[1:]
    if not args or args[0].startswith("--"):
        sys.exit(__doc__)
    build = args.pop(0)
    prefixes = [args[i + 1] for i, a in enumerate(args) if a == "--row"]
    jobs = int(args[args.index("--jobs") + 1]) if "--jobs" in args else os.cpu_count() or 2
    chosen = lambda r: not prefixes or any(r[0].startswith(p) for p in prefixes)
    attack_rows = [r for r in rows() if chosen(r)]
    twin_rows = [r for r in twins() if chosen(r)]
    if not attack_rows and not twin_rows:
        sys.exit(f"matrix.py: no row starts with {prefixes}")
    cells = {}
    with concurrent.futures.ThreadPoolExecutor(jobs) as pool:
        futures = {pool.submit(run, build, r, policy): (r[0], r[5], col)
                   for r in attack_rows + twin_rows for col, policy in COLUMNS}
        for future, key in futures.items():
            cells[key] = future.result()
    failures = []
    for r in twin_rows:
        for col, _ in COLUMNS:
            outcome, detail, cmd = cells[(r[0], "twin", col)]
            if outcome != "ok":
                failures.append(f"benign twin of {r[0]} under {col}: {outcome} {detail}\n  {cmd}")
    got = {r[0]: [cells[(r[0], r[5], col)][0] for col, _ in COLUMNS] for r in attack_rows}
    for r in attack_rows:
        if cells[(r[0], r[5], "none")][0] not in ("S", "F"):
            failures.append(f"{r[0]} does not succeed without a policy: "
                            f"{cells[(r[0], r[5], 'none')][1]}\n  {cells[(r[0], r[5], 'none')][2]}")
        for col, _ in COLUMNS:
            outcome, detail, cmd = cells[(r[0], r[5], col)]
            if outcome == "E":
                failures.append(f"{r[0]} under {col}: {detail}\n  {cmd}")
    if "--write-expected" in args:
        header = "# attack " + " ".join(c for c, _ in COLUMNS)
        with open(EXPECTED, "w") as f:
            f.write("# Written by `tests/attacks/matrix.py BUILD --write-expected`; checked by the\n"
                    "# attacks.* CTests. C = stopped with a tag violation, S = the attack succeeded,\n"
                    "# F = not stopped by a policy; the corrupted program faulted, spun or failed.\n")
            f.write(header + "\n")
            for r in rows():
                if r[0] in got:
                    f.write(r[0] + " " + " ".join(got[r[0]]) + "\n")
    else:
        expected = read_expected()
        for name, outcome in got.items():
            want = expected.get(name)
            if want is None:
                failures.append(f"{name}: not in expected.txt")
            elif want != outcome:
                diffs = [f"{col} expected {w} got {g} ({cells[(name, k, col)][1]})"
                         for (col, _), w, g in zip(COLUMNS, want, outcome) if w != g
                         for k in ("ripe", "single") if (name, k, col) in cells]
                failures.append(f"{name}: " + "; ".join(diffs))
    if "--markdown" in args:
        print("| attack | " + " | ".join(c for c, _ in COLUMNS[1:]) + " |")
        print("|---|" + "---|" * (len(COLUMNS) - 1))
        for r in attack_rows:
            row = [cells[(r[0], r[5], col)] for col, _ in COLUMNS[1:]]
            print(f"| {r[0]} | " + " | ".join(c[1] if c[0] == "C" else ("fault" if c[0] == "F" else "–") for c in row) + " |")
        caught = {col: sum(cells[(r[0], r[5], col)][0] == "C" for r in attack_rows)
                  for col, _ in COLUMNS[1:]}
        print("| **caught** | " + " | ".join(f"**{caught[c]}/{len(attack_rows)}**"
                                           for c, _ in COLUMNS[1:]) + " |")
    for f in failures:
        print("FAIL " + f, file=sys.stderr)
    print(f"{len(attack_rows)} attacks and {len(twin_rows)} benign twins under {len(COLUMNS)} "
          f"columns: {len(failures)} failure(s)", file=sys.stderr)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
