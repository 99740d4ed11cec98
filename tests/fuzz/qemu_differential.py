#!/usr/bin/env python3
"""Differential fuzzing against QEMU: random RV64GC instruction streams run on unitag and on
qemu-system-riscv64 (-machine virt -bios none), which must end with the same integer and FP
registers, the same fcsr and the same scratch memory (docs/fuzzing.md).

Each program sets every register to a random value (FP ones from a pool of special values:
signed zeros, infinities, quiet and signalling NaNs, subnormals, singles that are and are not
NaN-boxed), runs LENGTH random instructions (integer, M, A with LR/SC, F, D, loads and stores
aligned or not into a 4 KiB scratch area, forward branches and jumps; the assembler compresses
what it can, so RVC is covered), then prints registers, fcsr and scratch over the UART in hex.

Usage: qemu_differential.py UNITAG [--seed N] [--programs N] [--seconds S] [--length N]
                                   [--engine jit|interp] [--policy LIST] [--keep DIR]
  --policy LIST run unitag with these tag policies: checks must not change a result
  --seconds S   stop after S seconds of programs (instead of after --programs)
  --keep DIR    write every program that differs there (source, both outputs)
Exit status: 0 all agreed, 1 a difference (the first is shown), 2 a tool failed."""
import argparse
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time

CC = "riscv64-unknown-elf-gcc"
QEMU = "qemu-system-riscv64"
SCRATCH = 4096
BASE, ADDR = "x31", "x30"  # the scratch base, and a temporary for AMO/LR/SC addresses
FREE = [f"x{i}" for i in range(1, 30)]  # x1-x29 take random values and results
RM = ["rne", "rtz", "rdn", "rup", "rmm", "dyn"]

R3 = ("add sub sll slt sltu xor srl sra or and addw subw sllw srlw sraw mul mulh mulhsu mulhu "
      "div divu rem remu mulw divw divuw remw remuw").split()
I12 = "addi slti sltiu xori ori andi addiw".split()
SHIFT = {"slli": 64, "srli": 64, "srai": 64, "slliw": 32, "srliw": 32, "sraiw": 32}
LOADS = {"lb": 1, "lh": 2, "lw": 4, "ld": 8, "lbu": 1, "lhu": 2, "lwu": 4}
STORES = {"sb": 1, "sh": 2, "sw": 4, "sd": 8}
AMOS = [f"amo{op}.{w}" for op in "swap add xor and or min max minu maxu".split() for w in "wd"]
BRANCHES = "beq bne blt bge bltu bgeu".split()
FP3 = [f"f{op}.{p}" for op in ("add", "sub", "mul", "div") for p in "sd"]
FP2 = [f"f{op}.{p}" for op in ("min", "max", "sgnj", "sgnjn", "sgnjx") for p in "sd"]
FP4 = [f"f{op}.{p}" for op in ("madd", "msub", "nmadd", "nmsub") for p in "sd"]
FCMP = [f"f{op}.{p}" for op in ("eq", "lt", "le") for p in "sd"]
FCVT_TO_INT = [f"fcvt.{i}.{p}" for i in ("w", "wu", "l", "lu") for p in "sd"]
FCVT_FROM_INT = [f"fcvt.{p}.{i}" for i in ("w", "wu", "l", "lu") for p in "sd"]

SPECIAL_D = [0x0, 0x8000000000000000, 0x7FF0000000000000, 0xFFF0000000000000,
             0x7FF8000000000000, 0x7FF4000000000000, 0xFFF8000000000001, 0x0000000000000001,
             0x000FFFFFFFFFFFFF, 0x3FF0000000000000, 0xBFF0000000000000, 0x7FEFFFFFFFFFFFFF,
             0x41DFFFFFFFC00000, 0xC3E0000000000000, 0x43F0000000000000, 0x3FE0000000000000]
SPECIAL_S = [0x0, 0x80000000, 0x7F800000, 0xFF800000, 0x7FC00000, 0x7FA00000, 0x00000001,
             0x007FFFFF, 0x3F800000, 0xBF800000, 0x7F7FFFFF, 0x4F000000, 0xCF000000, 0x3F000000]


def fp_value(rng):
    kind = rng.random()
    if kind < 0.3:
        return rng.choice(SPECIAL_D)
    if kind < 0.6:  # a NaN-boxed single
        s = rng.choice(SPECIAL_S) if rng.random() < 0.6 else rng.getrandbits(32)
        return 0xFFFFFFFF00000000 | s
    if kind < 0.7:  # a single that is not NaN-boxed: reads as the canonical NaN
        return rng.getrandbits(64) & 0x00000000FFFFFFFF | (rng.getrandbits(8) << 40)
    if kind < 0.85:  # a double of moderate exponent
        return (rng.getrandbits(1) << 63) | (rng.randint(0x3C0, 0x440) << 52) | rng.getrandbits(52)
    return rng.getrandbits(64)


def int_value(rng):
    return rng.choice([0, 1, -1 & (2**64 - 1), 2**63, 2**63 - 1, 2**31, 2**31 - 1, 0xFFFFFFFF,
                       rng.getrandbits(64), rng.getrandbits(64), rng.getrandbits(12),
                       rng.getrandbits(64), rng.getrandbits(33)])


class Program:
    def __init__(self, rng, length):
        self.rng, self.length, self.lines, self.labels = rng, length, [], 0

    def reg(self):
        return self.rng.choice(FREE + ["x0"])

    def src(self):
        return self.rng.choice(FREE + ["x0"])

    def offset(self):  # BASE is the middle of the scratch area; any alignment
        return self.rng.randrange(-SCRATCH // 2, SCRATCH // 2 - 8)

    def freg(self):
        return f"f{self.rng.randrange(32)}"

    def emit(self, text):
        self.lines.append("  " + text)

    def forward(self, make_jump):
        label = f"L{self.labels}"
        self.labels += 1
        self.emit(make_jump(label))
        for _ in range(self.rng.randint(1, 3)):
            self.instruction(allow_jumps=False)
        self.lines.append(f"{label}:")

    def instruction(self, allow_jumps=True):
        rng = self.rng
        kind = rng.random()
        if kind < 0.22:
            self.emit(f"{rng.choice(R3)} {self.reg()}, {self.src()}, {self.src()}")
        elif kind < 0.32:
            self.emit(f"{rng.choice(I12)} {self.reg()}, {self.src()}, {rng.randint(-2048, 2047)}")
        elif kind < 0.37:
            op = rng.choice(list(SHIFT))
            self.emit(f"{op} {self.reg()}, {self.src()}, {rng.randrange(SHIFT[op])}")
        elif kind < 0.40:
            self.emit(f"lui {self.reg()}, {rng.randrange(1 << 20)}")
        elif kind < 0.48:
            op = rng.choice(list(LOADS))
            self.emit(f"{op} {self.reg()}, {self.offset()}({BASE})")
        elif kind < 0.56:
            op = rng.choice(list(STORES))
            self.emit(f"{op} {self.src()}, {self.offset()}({BASE})")
        elif kind < 0.61:
            op = rng.choice(AMOS)
            size = 8 if op.endswith(".d") else 4
            self.emit(f"addi {ADDR}, {BASE}, {rng.randrange(-2048 // size, 2048 // size) * size}")
            self.emit(f"{op} {self.reg()}, {self.src()}, ({ADDR})")
        elif kind < 0.63:
            w = rng.choice("wd")
            size = 8 if w == "d" else 4
            self.emit(f"addi {ADDR}, {BASE}, {rng.randrange(-2048 // size, 2048 // size) * size}")
            self.emit(f"lr.{w} {self.reg()}, ({ADDR})")
            self.emit(f"sc.{w} {self.reg()}, {self.src()}, ({ADDR})")
        elif kind < 0.68 and allow_jumps:
            if rng.random() < 0.8:
                op = rng.choice(BRANCHES)
                self.forward(lambda l: f"{op} {self.src()}, {self.src()}, {l}")
            else:
                # Not ra or t0: a jal writing them is a call, and `cfi` (--policy) rightly
                # refuses a call to a label that is no function.
                rd = self.rng.choice([r for r in FREE + ["x0"] if r not in ("x1", "x5")])
                self.forward(lambda l: f"jal {rd}, {l}")
        elif kind < 0.74:
            self.emit(f"{rng.choice(FP3)} {self.freg()}, {self.freg()}, {self.freg()}, "
                      f"{rng.choice(RM)}")
        elif kind < 0.78:
            self.emit(f"{rng.choice(FP2)} {self.freg()}, {self.freg()}, {self.freg()}")
        elif kind < 0.81:
            self.emit(f"{rng.choice(FP4)} {self.freg()}, {self.freg()}, {self.freg()}, "
                      f"{self.freg()}, {rng.choice(RM)}")
        elif kind < 0.83:
            p = rng.choice("sd")
            self.emit(f"fsqrt.{p} {self.freg()}, {self.freg()}, {rng.choice(RM)}")
        elif kind < 0.86:
            self.emit(f"{rng.choice(FCMP)} {self.reg()}, {self.freg()}, {self.freg()}")
        elif kind < 0.88:
            self.emit(f"fclass.{rng.choice('sd')} {self.reg()}, {self.freg()}")
        elif kind < 0.91:
            self.emit(f"{rng.choice(FCVT_TO_INT)} {self.reg()}, {self.freg()}, {rng.choice(RM)}")
        elif kind < 0.93:
            op = rng.choice(FCVT_FROM_INT)
            exact = op in ("fcvt.d.w", "fcvt.d.wu")  # no rounding: the assembler takes no rm
            rm = "" if exact else f", {rng.choice(RM)}"
            self.emit(f"{op} {self.freg()}, {self.src()}{rm}")
        elif kind < 0.95:
            op = rng.choice(["fcvt.s.d", "fcvt.d.s"])
            rm = f", {rng.choice(RM)}" if op == "fcvt.s.d" else ""
            self.emit(f"{op} {self.freg()}, {self.freg()}{rm}")
        elif kind < 0.97:
            op = rng.choice(["fmv.x.d", "fmv.x.w"])
            self.emit(f"{op} {self.reg()}, {self.freg()}")
            self.emit(f"{rng.choice(['fmv.d.x', 'fmv.w.x'])} {self.freg()}, {self.src()}")
        else:
            op = rng.choice(["flw", "fld", "fsw", "fsd"])
            self.emit(f"{op} {self.freg()}, {self.offset()}({BASE})")

    def source(self):
        rng = self.rng
        out = [".option norelax", ".section .text.start, \"ax\"", ".globl _start", "_start:",
               "  li t0, 1 << 13", "  csrs mstatus, t0",  # FS = Initial
               f"  csrwi frm, {rng.randrange(5)}", f"  la {BASE}, scratch + {SCRATCH // 2}"]
        for i in range(32):
            out.append(f"  li t0, {fp_value(rng)}")
            out.append(f"  fmv.d.x f{i}, t0")
        for r in FREE:
            out.append(f"  li {r}, {int_value(rng)}")
        out.append(f"  mv {ADDR}, {BASE}")
        for _ in range(self.length):
            self.instruction()
        out += self.lines
        out += ["  la t6, results"] + [f"  sd x{i}, {8 * (i - 1)}(t6)" for i in range(1, 31)]
        out += [f"  fsd f{i}, {8 * (30 + i)}(t6)" for i in range(32)]
        out += ["  frcsr t0", f"  sd t0, {8 * 62}(t6)",
                "  la a0, results", "  li a1, 63", "  call dump",
                f"  la a0, scratch", f"  li a1, {SCRATCH // 8}", "  call dump",
                "  li t0, 0x100000", "  li t1, 0x5555", "  sw t1, 0(t0)", "1: j 1b",
                ".type dump, @function", "dump:", "  li t6, 0x10000000",
                "2: beqz a1, 9f", "  ld t0, 0(a0)", "  li t1, 60",
                "3: srl t2, t0, t1", "  andi t2, t2, 15", "  addi t2, t2, 48", "  li t3, 58",
                "  blt t2, t3, 4f", "  addi t2, t2, 39",
                "4: sb t2, 0(t6)", "  addi t1, t1, -4", "  bgez t1, 3b",
                "  li t2, 10", "  sb t2, 0(t6)", "  addi a0, a0, 8", "  addi a1, a1, -1",
                "  j 2b", "9: ret",
                ".section .data", ".balign 16", "scratch:"]
        out += [f"  .dword {rng.getrandbits(64)}" for _ in range(SCRATCH // 8)]
        out += [".balign 16", "results:", f"  .zero {63 * 8}"]
        return "\n".join(out) + "\n"


def run(cmd, timeout=30):
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout,
                           stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:  # a hang is a finding, not the fuzzer's end
        return -1, "", f"{cmd[0]} did not finish within {timeout} s"
    return p.returncode, p.stdout, p.stderr


def describe(unitag_out, qemu_out):
    names = [f"x{i}" for i in range(1, 31)] + [f"f{i}" for i in range(32)] + ["fcsr"]
    u, q = unitag_out.splitlines(), qemu_out.splitlines()
    diffs = []
    for i in range(max(len(u), len(q))):
        a = u[i] if i < len(u) else "(missing)"
        b = q[i] if i < len(q) else "(missing)"
        if a != b:
            where = names[i] if i < len(names) else f"scratch+{8 * (i - len(names))}"
            diffs.append(f"  {where}: unitag {a}, QEMU {b}")
    return "\n".join(diffs[:12]) + (f"\n  ... {len(diffs) - 12} more" if len(diffs) > 12 else "")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("unitag")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--programs", type=int, default=20)
    ap.add_argument("--seconds", type=float, default=0)
    ap.add_argument("--length", type=int, default=200)
    ap.add_argument("--engine", default="jit", choices=["jit", "interp"])
    ap.add_argument("--policy")
    ap.add_argument("--keep")
    args = ap.parse_args()
    for tool in (CC, QEMU):
        if not shutil.which(tool):
            print(f"qemu_differential: {tool} is not installed (scripts/setup installs it)")
            return 2
    start, ran, differed = time.monotonic(), 0, 0
    with tempfile.TemporaryDirectory() as work:
        n = 0
        while (time.monotonic() - start < args.seconds) if args.seconds else n < args.programs:
            seed = args.seed * 1_000_003 + n
            n += 1
            source = Program(random.Random(seed), args.length).source()
            asm, elf = os.path.join(work, "p.S"), os.path.join(work, "p.elf")
            with open(asm, "w") as f:
                f.write(source)
            code, _, err = run([CC, "-march=rv64gc", "-mabi=lp64d", "-nostdlib", "-nostartfiles",
                                "-static", "-Wl,-Ttext=0x80000000", "-Wl,-N", "-Wl,--no-warn-rwx-segments",
                                "-o", elf, asm])
            if code != 0:
                print(f"seed {seed}: the assembler refused the program:\n{err[:2000]}")
                return 2
            policy = ["--policy", args.policy] if args.policy else []
            ucode, uout, uerr = run([args.unitag, "run", "--engine", args.engine,
                                     "--max-insns", "10000000"] + policy + [elf])
            qcode, qout, qerr = run([QEMU, "-machine", "virt", "-bios", "none", "-nographic",
                                     "-monitor", "none", "-kernel", elf])
            ran += 1
            if (ucode, uout) == (qcode, qout) and len(uout.splitlines()) == 63 + SCRATCH // 8:
                continue
            differed += 1
            print(f"seed {seed}: unitag (exit {ucode}) and QEMU (exit {qcode}) differ:\n"
                  f"{describe(uout, qout)}\n{uerr.strip()[:400]}")
            if args.keep:
                os.makedirs(args.keep, exist_ok=True)
                for name, text in ((f"{seed}.S", source), (f"{seed}.unitag", uout),
                                   (f"{seed}.qemu", qout)):
                    with open(os.path.join(args.keep, name), "w") as f:
                        f.write(text)
            if not args.seconds:
                break
    print(f"qemu_differential: {ran} programs of {args.length} instructions, seed {args.seed}, "
          f"engine {args.engine}{', policy ' + args.policy if args.policy else ''}: {differed} differed ({time.monotonic() - start:.0f} s)")
    return 1 if differed else 0


if __name__ == "__main__":
    sys.exit(main())
