#!/usr/bin/env python3
"""Generates the spatial corpus (tests/juliet, Juliet style like gen_cases.py): the same spatial
bugs in stack, global and heap buffers, written, read, past the end and before the start, in
loops, by index, by memcpy and by strcpy-style copies (off by one or further), each with a fixed
twin. The same C sources run on unitag (ctest: `bounds` must catch the bad variant, or it is a
known miss that must run to the end; the good one must be clean under bounds, heap and the
composite) and natively under AddressSanitizer (spatial_report.py).

Writes (committed):
  guest/gen/spatial_<region>.c   the cases of one region and their table (one image each)
  spatial_cases.cmake            spatial_case(REGION IMAGE CASE DIRECTION FUNCTION EXPECT) lines

  gen_spatial.py            regenerate
  gen_spatial.py --check    fail if the committed output is stale (a ctest runs this)
"""
import os
import sys
from dataclasses import dataclass

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gen_cases  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
REGIONS = ("stack", "global", "heap")
DIRECTIONS = ("overflow", "underflow", "over-read", "under-read")


@dataclass
class Case:
    region: str
    direction: str
    name: str
    bad: list
    good: list
    inline: bool  # the flaw is an instruction of the bad function (not inside libc)
    expect: str = "caught"  # or "miss" (a known gap: the bad variant must run to the end)
    why: str = ""


# Known misses of `bounds`, by case name, with the reason (docs/policies.md explains them).
MISSES: dict = {}

# (element type, elements) -> how each region declares `buf` and gives it back.
def declare(region, t, n):
    if region == "stack":
        return [f"{t} buf[{n}];"], []
    if region == "global":
        return [f"static {t} buf[{n}];"], []
    return ([f"{t}* buf = ({t}*)malloc(juliet_n({n}) * sizeof({t}));", "if (buf == NULL) return;"],
            ["free(buf);"])


SUM = ["juliet_use(&sum, sizeof(sum));"]

# name: (direction, element type, elements, bad body, good body, inline). `buf` is the buffer
# under test; its contents are set first (juliet_fill) so reads read defined bytes.
SHAPES = {
    # writes past the end
    "loop_obo": ("overflow", "char", 10,
                 ["for (size_t i = 0; i <= juliet_n(10); i++) buf[i] = 'A';"],
                 ["for (size_t i = 0; i < juliet_n(10); i++) buf[i] = 'A';"], True),
    "int_loop_obo": ("overflow", "int", 8,
                     ["for (size_t i = 0; i <= juliet_n(8); i++) buf[i] = 7;"],
                     ["for (size_t i = 0; i < juliet_n(8); i++) buf[i] = 7;"], True),
    "int_index_way": ("overflow", "int", 8, ["buf[juliet_n(12)] = 7;"],
                      ["buf[juliet_n(7)] = 7;"], True),
    "memcpy_obo": ("overflow", "char", 10,
                   ['memcpy(buf, "0123456789ABCDEF", juliet_n(11));'],
                   ['memcpy(buf, "0123456789ABCDEF", juliet_n(10));'], False),
    "strcpy_obo": ("overflow", "char", 10,
                   ["char src[16];", "juliet_fill_string(src, juliet_n(11));", "strcpy(buf, src);"],
                   ["char src[16];", "juliet_fill_string(src, juliet_n(10));", "strcpy(buf, src);"],
                   False),
    "copy_loop_obo": ("overflow", "char", 10,
                      ["char src[16];", "juliet_fill_string(src, juliet_n(11));",
                       "for (size_t i = 0; (buf[i] = src[i]) != 0; i++) {}"],
                      ["char src[16];", "juliet_fill_string(src, juliet_n(10));",
                       "for (size_t i = 0; (buf[i] = src[i]) != 0; i++) {}"], True),
    # writes before the start
    "index_minus1": ("underflow", "char", 10,
                     ["ptrdiff_t i = (ptrdiff_t)juliet_n(0) - 1;", "buf[i] = 'A';"],
                     ["ptrdiff_t i = (ptrdiff_t)juliet_n(0);", "buf[i] = 'A';"], True),
    "int_loop_down": ("underflow", "int", 8,
                      ["for (ptrdiff_t i = (ptrdiff_t)juliet_n(7); i >= -1; i--) buf[i] = 7;"],
                      ["for (ptrdiff_t i = (ptrdiff_t)juliet_n(7); i >= 0; i--) buf[i] = 7;"],
                      True),
    "int_index_way_under": ("underflow", "int", 8,
                            ["ptrdiff_t i = (ptrdiff_t)juliet_n(0) - 4;", "buf[i] = 7;"],
                            ["ptrdiff_t i = (ptrdiff_t)juliet_n(0) + 4;", "buf[i] = 7;"], True),
    "memcpy_under": ("underflow", "char", 10,
                     ['memcpy(buf - juliet_n(8), "01234567", 8);'],
                     ['memcpy(buf + juliet_n(0), "01234567", 8);'], False),
    # reads past the end
    "read_loop_obo": ("over-read", "char", 10,
                      ["unsigned sum = 0;",
                       "for (size_t i = 0; i <= juliet_n(10); i++) sum += (unsigned char)buf[i];"]
                      + SUM,
                      ["unsigned sum = 0;",
                       "for (size_t i = 0; i < juliet_n(10); i++) sum += (unsigned char)buf[i];"]
                      + SUM, True),
    "int_read_loop_obo": ("over-read", "int", 8,
                          ["unsigned sum = 0;",
                           "for (size_t i = 0; i <= juliet_n(8); i++) sum += (unsigned)buf[i];"]
                          + SUM,
                          ["unsigned sum = 0;",
                           "for (size_t i = 0; i < juliet_n(8); i++) sum += (unsigned)buf[i];"]
                          + SUM, True),
    "int_read_index_way": ("over-read", "int", 8,
                           ["int sum = buf[juliet_n(12)];"] + SUM,
                           ["int sum = buf[juliet_n(7)];"] + SUM, True),
    "memcpy_read_obo": ("over-read", "char", 10,
                        ["char dst[32];", "memcpy(dst, buf, juliet_n(11));",
                         "juliet_use(dst, 11);"],
                        ["char dst[32];", "memcpy(dst, buf, juliet_n(10));",
                         "juliet_use(dst, 10);"], False),
    "strlen_unterminated": ("over-read", "char", 10,
                            ["size_t sum = strlen(buf); /* juliet_fill left no terminator */"]
                            + SUM,
                            ["buf[juliet_n(9)] = 0;", "size_t sum = strlen(buf);"] + SUM, False),
    # reads before the start
    "read_index_minus1": ("under-read", "char", 10,
                          ["ptrdiff_t i = (ptrdiff_t)juliet_n(0) - 1;", "char sum = buf[i];"]
                          + SUM,
                          ["ptrdiff_t i = (ptrdiff_t)juliet_n(0);", "char sum = buf[i];"] + SUM,
                          True),
    "int_read_loop_down": ("under-read", "int", 8,
                           ["unsigned sum = 0;",
                            "for (ptrdiff_t i = (ptrdiff_t)juliet_n(7); i >= -1; i--) "
                            "sum += (unsigned)buf[i];"] + SUM,
                           ["unsigned sum = 0;",
                            "for (ptrdiff_t i = (ptrdiff_t)juliet_n(7); i >= 0; i--) "
                            "sum += (unsigned)buf[i];"] + SUM, True),
    "int_read_index_way_under": ("under-read", "int", 8,
                                 ["ptrdiff_t i = (ptrdiff_t)juliet_n(0) - 4;", "int sum = buf[i];"]
                                 + SUM,
                                 ["ptrdiff_t i = (ptrdiff_t)juliet_n(0) + 4;", "int sum = buf[i];"]
                                 + SUM, True),
    "memcpy_read_under": ("under-read", "char", 10,
                          ["char dst[8];", "memcpy(dst, buf - juliet_n(8), 8);",
                           "juliet_use(dst, 8);"],
                          ["char dst[8];", "memcpy(dst, buf + juliet_n(0), 8);",
                           "juliet_use(dst, 8);"], False),
}

CASES = []
for region in REGIONS:
    for shape, (direction, t, n, bad, good, inline) in SHAPES.items():
        name = f"{region}_{shape}"
        decl, release = declare(region, t, n)
        fill = [f"juliet_fill(buf, {n} * sizeof({t}));"]
        why = MISSES.get(name, "")
        use = [f"juliet_use(buf, {n} * sizeof({t}));"]  # keeps the stores alive
        CASES.append(Case(region, direction, name, decl + fill + bad + use + release,
                          decl + fill + good + use + release, inline, "miss" if why else "caught",
                          why))


def image(region):
    return f"spatial_{region}"


def outputs():
    files = {}
    lines = ["# Generated by tests/juliet/gen_spatial.py: do not edit.",
             "# juliet_image(REGION IMAGE), spatial_case(REGION IMAGE CASE DIRECTION FUNCTION "
             "EXPECT):", "# FUNCTION is where the report must place the flaw (- inside libc)."]
    for region in REGIONS:
        cases = [c for c in CASES if c.region == region]
        files[os.path.join("guest", "gen", image(region) + ".c")] = gen_cases.render_family(
            region, cases, f"tests/juliet/gen_spatial.py: do not edit. {region} buffers")
        lines.append(f"juliet_image({region} {image(region)})")
        for c in cases:
            fn = f"{c.name}_bad" if c.inline else "-"
            lines.append(f"spatial_case({region} {image(region)} {c.name} {c.direction} {fn} "
                         f"{c.expect})")
    files["spatial_cases.cmake"] = "\n".join(lines) + "\n"
    return files


def main():
    gen_cases.write_generated(outputs(), "--check" in sys.argv[1:], "gen_spatial.py")
    print(f"{len(CASES)} spatial cases in {len(REGIONS)} regions")


if __name__ == "__main__":
    main()
