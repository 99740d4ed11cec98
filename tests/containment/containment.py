#!/usr/bin/env python3
"""Containment: guests that misbehave on purpose (tests/containment/guest) must end with a clear
report and a distinct exit code, under every engine, with the host's memory bounded.

Usage: containment.py BUILD_DIR CASE MODE [--sanitized | --tsan]
  MODE  parallel (--engine jit, the default), deterministic, or interp
  --sanitized  an ASan build: its allocator and shadow memory raise the peak-RSS bounds
  --tsan       a TSan build: its shadow memory is several times the program's, so peak RSS
               says nothing about unitag's and is not checked

Each case runs unitag once and checks its exit code, its report (a stderr regex), what the
guest said or wrote, and unitag's peak resident memory (this process's only child)."""
import json
import os
import re
import resource
import subprocess
import sys
import tempfile

MiB = 1 << 20
# The guest's PRNG is seeded: the same stores fault on every engine, tagged or not.
SCRIBBLED = r"scribbled 200000 stores, 142455 faulted\n"
ALL_POLICIES = "rwx,heap,stack,cfi,frame,taint,ifc,compartment,mte,bounds"

# name -> dict(image, args, exit, stderr (regex, searched), stdout (regex, full match),
#              rss_mib (bound, release build), files {name: size} in the work directory)
CASES = {
    # Stores all over the address space and the devices: every fault skipped by its handler.
    "scribble": dict(image="contain_scribble", args=["--mem", "64M"], exit=0,
                     stdout_tail=SCRIBBLED),
    # The same, with the stores no policy forbids, under all ten policies: no false alarm.
    "scribble_tagged": dict(image="contain_scribble",
                            args=["--mem", "64M", "--policy", ALL_POLICIES], exit=0,
                            stdout_tail=SCRIBBLED),
    # Stores into its own image too, under every policy: stopped by the first, with its report.
    "scribble_image_tagged": dict(image="contain_scribble_image",
                                  args=["--mem", "64M", "--policy", ALL_POLICIES],
                                  exit=122, stderr=r"^unitag: stopped: tag violation"),
    "mmio_jump": dict(image="contain_mmio_jump", args=[], exit=120,
                      stderr=r"^unitag: stopped: hart 0 at 0x0*10000000 .*instruction access "
                             r"fault \(mtval=0x10000000\)"),
    "recurse": dict(image="contain_recurse", args=[], exit=120,
                    stderr=r"^unitag: stopped: hart 0 at 0x[0-9a-f]+"),
    "spin_all_timeout": dict(image="contain_spin_all", args=["--harts", "4", "--timeout", "1"],
                             exit=124, stderr=r"^unitag: stopped: the guest did not finish "
                                              r"within --timeout 1 s"),
    "spin_all_max_insns": dict(image="contain_spin_all",
                               args=["--harts", "4", "--max-insns", "20000000"], exit=123,
                               # parallel harts each finish their block: up to 0.5 % over
                               stderr=r"^unitag: stopped: the guest retired 200\d{5} "
                                      r"instructions without finishing"),
    "uart_flood": dict(image="contain_uart_flood",
                       args=["--max-output", "1M", "--uart-out", "out.txt"], exit=118,
                       stderr=r"^unitag: stopped: hart 0 took the guest's output past "
                              r"--max-output 1048576 bytes", files={"out.txt": MiB}),
    "semihost_flood": dict(image="contain_semihost_flood",
                           args=["--semihost", "--max-output", "1M", "--uart-out", "out.txt"],
                           exit=118, stderr=r"past --max-output 1048576 bytes",
                           files={"out.txt": MiB}),
    "semihost_file_flood": dict(image="contain_semihost_file_flood",
                                args=["--semihost", "--semihost-write", "--semihost-root", ".",
                                      "--max-output", "1M"],
                                exit=118, stderr=r"past --max-output 1048576 bytes",
                                files={"flood.txt": MiB}),
    "semihost_handles": dict(image="contain_semihost_handles",
                             args=["--semihost", "--semihost-root", "."], exit=0,
                             create={"flood.txt": b"x"},
                             stdout=r"open refused after 256 handles, errno 24\n"),
    # 100,000 tag violations delivered to the guest's handler: the first 100 reported, a note,
    # all counted in --stats, no report per violation and no record of each kept.
    "violation_flood": dict(image="contain_violation_flood",
                            args=["--policy", "rwx", "--on-violation", "trap", "--stats",
                                  "stats.json"],
                            exit=0, stdout=r"violations delivered: 100000\n",
                            stderr=r"^unitag: 100 tag violations delivered to the guest; further "
                                   r"ones go without a report",
                            stderr_max_lines=1300, stats={"tags.violations": 100000},
                            rss_mib=120),
    # sp moved inside the top page of the address space under `frame` and all ten policies:
    # the words it releases end at 2^64 (a range that wrapped to 0 and hung the host).
    "sp_at_top_tagged": dict(image="contain_sp_at_top", args=["--policy", ALL_POLICIES],
                             exit=0, stdout=r"sp moved at the top of the address space\n"),
    # Endless input to a guest that reads one byte: the host reads ahead a bounded window only.
    "uart_input_hog": dict(image="contain_uart_input_hog", args=["--uart-in", "/dev/zero"],
                           exit=0, stdout=r"done\n", rss_mib=120),
    # Code run on every page of 256 MiB: RAM plus a bounded decode cache, not 16x RAM.
    "code_everywhere": dict(image="contain_code_everywhere", args=["--mem", "256M"], exit=0,
                            stdout=r"ran code in 6[0-9]{4} pages\n", rss_mib=256 + 256 + 150),
}
MODES = {"parallel": [], "deterministic": ["--deterministic"], "interp": ["--engine", "interp"]}


def main():
    if len(sys.argv) < 4 or sys.argv[2] not in CASES or sys.argv[3] not in MODES:
        sys.exit(__doc__ + "\ncases: " + " ".join(CASES))
    build, name, mode = sys.argv[1:4]
    sanitized = "--sanitized" in sys.argv[4:]
    tsan = "--tsan" in sys.argv[4:]
    case = CASES[name]
    image = os.path.join(os.path.abspath(build), "guest", case["image"] + ".elf")
    unitag = os.path.join(os.path.abspath(build), "unitag")
    with tempfile.TemporaryDirectory() as work:
        for file, content in case.get("create", {}).items():
            with open(os.path.join(work, file), "wb") as f:
                f.write(content)
        cmd = [unitag, "run"] + MODES[mode] + case["args"] + [image]
        print("$ (cd WORK &&", " ".join(cmd) + ")")
        p = subprocess.run(cmd, cwd=work, capture_output=True, stdin=subprocess.DEVNULL,
                           timeout=240)
        peak_mib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        stdout = p.stdout.decode("latin-1")
        stderr = p.stderr.decode("latin-1")
        print(f"exit {p.returncode}, peak RSS {peak_mib:.0f} MiB")
        print("stderr:", stderr.strip()[:600])
        print("stdout:", stdout.strip()[-300:])
        failures = []
        if p.returncode != case["exit"]:
            failures.append(f"exit {p.returncode}, expected {case['exit']}")
        if "stderr" in case and not re.search(case["stderr"], stderr, re.M):
            failures.append(f"stderr does not match {case['stderr']!r}")
        if "stdout" in case and not re.fullmatch(case["stdout"], stdout):
            failures.append(f"stdout is not {case['stdout']!r}")
        if "stdout_tail" in case and not re.search(case["stdout_tail"] + r"\Z", stdout):
            failures.append(f"stdout does not end with {case['stdout_tail']!r}")
        if "stderr_max_lines" in case and len(stderr.splitlines()) > case["stderr_max_lines"]:
            failures.append(f"{len(stderr.splitlines())} lines on stderr, more than "
                            f"{case['stderr_max_lines']}")
        for path, want in case.get("stats", {}).items():
            value = json.load(open(os.path.join(work, "stats.json")))
            for key in path.split("."):
                value = value.get(key) if isinstance(value, dict) else None
            if value != want:
                failures.append(f"--stats {path} is {value}, expected {want}")
        if re.search(r"AddressSanitizer|runtime error:|internal error", stderr):
            failures.append("the host reported an error of its own")
        for file, size in case.get("files", {}).items():
            path = os.path.join(work, file)
            got = os.path.getsize(path) if os.path.exists(path) else None
            if got != size:
                failures.append(f"{file}: {got} bytes, expected exactly {size}")
        if "rss_mib" in case and not tsan:
            # ASan keeps freed memory in quarantine (256 MiB) and adds shadow memory.
            bound = case["rss_mib"] * 2 + 256 if sanitized else case["rss_mib"]
            if peak_mib > bound:
                failures.append(f"peak RSS {peak_mib:.0f} MiB is over the bound of {bound} MiB")
    for f in failures:
        print("FAIL:", f)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
