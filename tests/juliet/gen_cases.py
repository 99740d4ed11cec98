#!/usr/bin/env python3
"""Generates the Juliet-style heap corpus (tests/juliet): our own C code in the shape of NIST's
Juliet C/C++ suite, from a matrix of CWE x element type x sink x size flavour. Each case has a
bad function with one flaw and a good function doing the same work correctly.

Writes (committed, so a review sees the code that runs):
  guest/gen/juliet_<family>.c   the cases of one CWE family and their table (one image each)
  cases.cmake                   juliet_case(FAMILY CASE KIND FUNCTION EXPECT) lines for ctest

  gen_cases.py            regenerate
  gen_cases.py --check    fail if the committed output is stale (a ctest runs this)
"""
import os
import sys
from dataclasses import dataclass, field

HERE = os.path.dirname(os.path.abspath(__file__))

# Element types: C type, size, a value to store, whether it has a string API.
TYPES = {
    "char": dict(c="char", size=1, val="'B'", string="char"),
    "wchar": dict(c="wchar_t", size=4, val="L'B'", string="wchar"),
    "int": dict(c="int", size=4, val="0x5a5a5a5a", string=None),
    "int64": dict(c="int64_t", size=8, val="0x5a5a5a5a5a5a5a5aLL", string=None),
    "struct": dict(c="two_ints", size=8, val="(two_ints){1, 2}", string=None),
}
STR = {
    "char": dict(cpy="strcpy", ncpy="strncpy", cat="strcat", ncat="strncat", len="strlen",
                 fill="juliet_fill_string", lit='"%s"', zero="'\\0'"),
    "wchar": dict(cpy="wcscpy", ncpy="wcsncpy", cat="wcscat", ncat="wcsncat", len="wcslen",
                  fill="juliet_fill_wstring", lit='L"%s"', zero="L'\\0'"),
}

# Report kinds (the heap policy's names, AddressSanitizer's where one exists).
OVERFLOW, UNDERFLOW = "heap-buffer-overflow", "heap-buffer-underflow"
UAF, DOUBLE_FREE = "heap-use-after-free", "heap-double-free"
NON_HEAP, INTERIOR = "heap-free-non-heap-pointer", "heap-free-interior-pointer"


@dataclass
class Case:
    family: str  # CWE row of the summary ("122", "122-CWE193", ...)
    name: str
    kind: str  # the report's kind for the bad variant
    bad: str  # C body of the bad function
    good: str  # C body of the good function
    inline: bool  # the flaw is an instruction of the bad function (not inside libc)
    expect: str = "caught"  # or "miss": a known gap, kept so a change in either direction shows
    why: str = ""


CASES = []


def case(family, name, kind, bad, good, inline, expect="caught", why=""):
    CASES.append(Case(family, name, kind, bad, good, inline, expect, why))


def prefix(family):
    """The case-name prefix: "CWE122" for family "122", "CWE805" for "122-CWE805"."""
    return family.split("-")[1] if "-" in family else "CWE" + family


def sizes_for(t, flavours):
    """(flavour, allocated elements, accessed elements) for a one-element-too-many access.
    way: far past the end. obo_word: one element past an allocation that ends on a word boundary
    (the bad element is in the next word). obo_tail: one past an allocation whose last word is
    partly valid (the bad bytes are inside that word: needs byte granularity)."""
    size = TYPES[t]["size"]
    out = []
    for f in flavours:
        if f == "way":
            out.append((f, 50, 100))
        elif f == "obo_word":
            n = 16 // size
            out.append((f, n, n + 1))
        elif f == "obo_tail" and size < 8:
            n = 10 if size == 1 else 5
            out.append((f, n, n + 1))
    return out


# ------------------------------------------------------------------------------------------
# CWE-122 heap overflow (writes) and its size-computation variants 805/806/193/131/135/680.


def overflow_write(family, t, sink, flavour, alloc, count):
    T, v, s = TYPES[t]["c"], TYPES[t]["val"], TYPES[t]["size"]

    def body(a):
        lines = [f"{T}* data = ({T}*)malloc(juliet_n({a}) * sizeof({T}));",
                 "if (data == NULL) return;"]
        if sink in ("loop", "memcpy", "memmove"):
            lines.append(f"{T} source[{count}];")
            lines.append("juliet_fill(source, sizeof(source));")
        if sink == "loop":
            lines.append(f"for (size_t i = 0; i < juliet_n({count}); i++) data[i] = source[i];")
        elif sink == "index":
            lines.append(f"data[juliet_n({count}) - 1] = {v};")
        elif sink in ("memcpy", "memmove"):
            lines.append(f"{sink}(data, source, juliet_n({count}) * sizeof({T}));")
        elif sink == "memset":
            lines.append(f"memset(data, 'A', juliet_n({count}) * sizeof({T}));")
        lines.append(f"juliet_use(data, juliet_n({a}) * sizeof({T}));")
        lines.append("free(data);")
        return lines

    case(family, f"{prefix(family)}_{t}_{sink}_{flavour}", OVERFLOW, body(alloc), body(count), sink in ("loop", "index"))


def overflow_string(family, t, sink, flavour, alloc, count):
    """dest has `alloc` elements; the source string has count-1 characters, so a full copy
    writes `count` elements with its terminator."""
    T, st = TYPES[t]["c"], STR[t]

    def body(a):
        lines = [f"{T}* data = ({T}*)malloc(juliet_n({a}) * sizeof({T}));",
                 "if (data == NULL) return;",
                 f"{T} source[{count}];",
                 f"{st['fill']}(source, {count});"]
        if sink == "cpy":
            lines.append(f"{st['cpy']}(data, source);")
        elif sink == "ncpy":
            lines.append(f"{st['ncpy']}(data, source, juliet_n({count}));")
        elif sink == "cat":
            lines += [f"data[0] = {st['zero']};", f"{st['cat']}(data, source);"]
        elif sink == "ncat":
            lines += [f"data[0] = {st['zero']};",
                      f"{st['ncat']}(data, source, juliet_n({count - 1}));"]
        elif sink == "snprintf":
            lines.append(f'snprintf(data, juliet_n({count}), "%s", source);')
        elif sink == "memcpy_len":  # size from the source's length (CWE-806)
            lines.append(f"memcpy(data, source, ({st['len']}(source) + 1) * sizeof({T}));")
        elif sink == "loop":  # copy up to and including the terminator
            lines.append(f"for (size_t i = 0;; i++) {{ data[i] = source[i]; "
                         f"if (source[i] == {st['zero']}) break; }}")
        lines.append(f"juliet_use(data, juliet_n({a}) * sizeof({T}));")
        lines.append("free(data);")
        return lines

    case(family, f"{prefix(family)}_{t}_{sink}_{flavour}", OVERFLOW, body(alloc),
         body(count), sink == "loop")


def strlen_sized(family, t, sink, length):
    """CWE-193: malloc(strlen(src)) then a copy that writes the terminator one past the end."""
    T, st = TYPES[t]["c"], STR[t]
    flavour = "tail" if (length * TYPES[t]["size"]) % 8 else "word"

    def body(extra):
        lines = [f"{T} source[{length + 1}];", f"{st['fill']}(source, {length + 1});",
                 f"{T}* data = ({T}*)malloc(({st['len']}(source){extra}) * sizeof({T}));",
                 "if (data == NULL) return;"]
        if sink == "cpy":
            lines.append(f"{st['cpy']}(data, source);")
        elif sink == "cat":
            lines += [f"data[0] = {st['zero']};", f"{st['cat']}(data, source);"]
        elif sink == "memcpy":
            lines.append(f"memcpy(data, source, ({st['len']}(source) + 1) * sizeof({T}));")
        elif sink == "loop":
            lines.append(f"for (size_t i = 0; i <= {st['len']}(source); i++) data[i] = source[i];")
        lines.append(f"juliet_use(data, {st['len']}(source) * sizeof({T}));")
        lines.append("free(data);")
        return lines

    case(family, f"CWE193_{t}_{sink}_{flavour}", OVERFLOW, body(""), body(" + 1"), sink == "loop")


for t in TYPES:
    for sink in ("loop", "index"):
        for flavour, alloc, count in sizes_for(t, ("way", "obo_word", "obo_tail")):
            overflow_write("122", t, sink, flavour, alloc, count)
    for sink in ("memcpy", "memmove"):
        for flavour, alloc, count in sizes_for(t, ("way", "obo_word", "obo_tail")):
            overflow_write("122-CWE805", t, sink, flavour, alloc, count)
overflow_write("122-CWE805", "char", "memset", "way", 50, 100)
overflow_write("122-CWE805", "char", "memset", "obo_tail", 10, 11)
for t in ("char", "wchar"):
    for sink in ("cpy", "ncpy", "cat", "ncat") + (("snprintf",) if t == "char" else ()):
        overflow_string("122-CWE805", t, sink, "way", 50, 100)
    for sink in ("ncpy", "memcpy_len", "loop"):
        overflow_string("122-CWE806", t, sink, "way", 50, 100)
    for sink in ("cpy", "cat", "memcpy", "loop"):
        for length in ((10, 16) if t == "char" else (5, 4)):
            strlen_sized("122-CWE193", t, sink, length)

# CWE-131: the element size left out of the allocation (malloc(10) for 10 elements).
for t in ("int", "wchar", "int64", "struct"):
    T, v = TYPES[t]["c"], TYPES[t]["val"]
    for sink in ("loop", "memcpy"):
        def body131(size_expr, sink=sink, T=T, v=v):
            lines = [f"{T}* data = ({T}*)malloc(juliet_n({size_expr}));",
                     "if (data == NULL) return;"]
            if sink == "loop":
                lines.append(f"for (size_t i = 0; i < juliet_n(10); i++) data[i] = {v};")
            else:
                lines += [f"{T} source[10];", "juliet_fill(source, sizeof(source));",
                          f"memcpy(data, source, juliet_n(10) * sizeof({T}));"]
            lines += [f"juliet_use(data, juliet_n({size_expr}));", "free(data);"]
            return lines
        case("122-CWE131", f"CWE131_{t}_{sink}", OVERFLOW, body131("10"),
             body131(f"10 * sizeof({T})"), sink == "loop")

# CWE-135: a wide string's length taken with the narrow strlen.
for sink in ("wcscpy", "memcpy", "loop"):
    def body135(len_expr, unit, sink=sink):
        lines = ["wchar_t source[11];", "juliet_fill_wstring(source, 11);",
                 f"size_t length = {len_expr};",
                 f"wchar_t* data = (wchar_t*)calloc(length + 1, {unit});",
                 "if (data == NULL) return;"]
        if sink == "wcscpy":
            lines.append("wcscpy(data, source);")
        elif sink == "memcpy":
            lines.append("memcpy(data, source, (wcslen(source) + 1) * sizeof(wchar_t));")
        else:
            lines.append("for (size_t i = 0; i <= wcslen(source); i++) data[i] = source[i];")
        lines += ["juliet_use(data, wcslen(data) * sizeof(wchar_t));", "free(data);"]
        return lines
    case("122-CWE135", f"CWE135_wchar_{sink}", OVERFLOW, body135("strlen((char*)source)", "1"),
         body135("wcslen(source)", "sizeof(wchar_t)"), sink == "loop")

# CWE-680: an element count whose byte size wraps in 32-bit arithmetic gives a small buffer.
for t in ("int", "wchar", "int64", "struct"):
    T, v, s = TYPES[t]["c"], TYPES[t]["val"], TYPES[t]["size"]
    wrap = (1 << 32) // s + 1

    def body680(count, T=T, v=v, s=s):
        return [f"size_t count = juliet_n({count});",
                f"uint32_t bytes = (uint32_t)count * (uint32_t)sizeof({T}); /* wraps */",
                f"{T}* data = ({T}*)malloc(bytes);", "if (data == NULL) return;",
                f"for (size_t i = 0; i < count; i++) data[i] = {v};",
                "juliet_use(data, bytes);", "free(data);"]
    case("680", f"CWE680_{t}_loop", OVERFLOW, body680(hex(wrap)), body680(10), True)

# ------------------------------------------------------------------------------------------
# CWE-124 buffer underwrite: a pointer before the allocation's start.
for t in TYPES:
    T, v = TYPES[t]["c"], TYPES[t]["val"]
    sinks = [("memcpy", 8), ("memmove", 8), ("loop", 8), ("loop", 1), ("index", 8), ("index", 1)]
    if TYPES[t]["string"]:
        sinks += [("cpy", 8), ("ncpy", 8)]
    for sink, before in sinks:
        def body124(offset, sink=sink, T=T, v=v, t=t):
            lines = [f"{T}* buffer = ({T}*)malloc(100 * sizeof({T}));",
                     "if (buffer == NULL) return;",
                     f"{T}* data = buffer - juliet_n({offset});"]
            if sink in ("memcpy", "memmove", "loop"):
                lines += [f"{T} source[100];", "juliet_fill(source, sizeof(source));"]
            if sink in ("memcpy", "memmove"):
                lines.append(f"{sink}(data, source, juliet_n(100) * sizeof({T}));")
            elif sink == "loop":
                lines.append("for (size_t i = 0; i < juliet_n(100); i++) data[i] = source[i];")
            elif sink == "index":
                lines.append(f"data[0] = {v};")
            else:
                st = STR[t]
                lines += [f"{T} source[100];", f"{st['fill']}(source, 100);",
                          f"{st['cpy']}(data, source);" if sink == "cpy"
                          else f"{st['ncpy']}(data, source, juliet_n(100));"]
            lines += [f"juliet_use(buffer, juliet_n(92) * sizeof({T}));", "free(buffer);"]
            return lines
        flavour = "way" if before == 8 else "obo"
        case("124", f"CWE124_{t}_{sink}_{flavour}", UNDERFLOW, body124(before), body124(0),
             sink in ("loop", "index"))

# ------------------------------------------------------------------------------------------
# CWE-126 over-read and CWE-127 under-read.
for t in TYPES:
    T = TYPES[t]["c"]
    for sink in ("memcpy", "memmove", "loop", "index"):
        flavours = ("way", "obo_tail") if sink in ("memcpy", "loop") else ("way",)
        for flavour, alloc, count in sizes_for(t, flavours):
            def body126(a, sink=sink, T=T, count=count):
                lines = [f"{T}* data = ({T}*)malloc(juliet_n({a}) * sizeof({T}));",
                         "if (data == NULL) return;",
                         f"juliet_fill(data, juliet_n({a}) * sizeof({T}));",
                         f"{T} dest[{count}];", "memset(dest, 0, sizeof(dest));"]
                if sink in ("memcpy", "memmove"):
                    lines.append(f"{sink}(dest, data, juliet_n({count}) * sizeof({T}));")
                elif sink == "loop":
                    lines.append(f"for (size_t i = 0; i < juliet_n({count}); i++) "
                                 "dest[i] = data[i];")
                else:
                    lines.append(f"dest[0] = data[juliet_n({count}) - 1];")
                lines += ["juliet_use(dest, sizeof(dest));", "free(data);"]
                return lines
            case("126", f"CWE126_{t}_{sink}_{flavour}", OVERFLOW, body126(alloc),
                 body126(count), sink in ("loop", "index"))
for t in ("char", "wchar"):
    T, st = TYPES[t]["c"], STR[t]
    for sink in ("len", "cpy"):
        def body126s(terminate, sink=sink, T=T, st=st):
            lines = [f"{T}* data = ({T}*)malloc(juliet_n(10) * sizeof({T}));",
                     "if (data == NULL) return;",
                     f"for (size_t i = 0; i < juliet_n(10); i++) data[i] = 'A';"]
            if terminate:
                lines.append(f"data[9] = {st['zero']};")
            if sink == "len":
                lines.append(f"size_t length = {st['len']}(data);")
                lines.append("juliet_use(&length, sizeof(length));")
            else:
                lines += [f"{T} dest[100];", f"{st['cpy']}(dest, data);",
                          f"juliet_use(dest, {st['len']}(dest) * sizeof({T}));"]
            lines.append("free(data);")
            return lines
        case("126", f"CWE126_{t}_{sink}_unterminated", OVERFLOW, body126s(False),
             body126s(True), False)
# A known gap, kept in the corpus: an aligned 8-byte load of a partly valid last word is allowed
# (word-at-a-time string code does it in correct programs), so this over-read is not reported.
case("126", "CWE126_int64_wordload_tail", OVERFLOW,
     ["int64_t* data = (int64_t*)malloc(juliet_n(12)); /* room for 1.5 elements */",
      "if (data == NULL) return;", "memset(data, 1, juliet_n(12));",
      "int64_t x = data[juliet_n(1)]; /* 8-byte load; bytes 12-15 are past the end */",
      "juliet_use(&x, sizeof(x));", "free(data);"],
     ["int64_t* data = (int64_t*)malloc(juliet_n(16));", "if (data == NULL) return;",
      "memset(data, 1, juliet_n(16));", "int64_t x = data[juliet_n(1)];",
      "juliet_use(&x, sizeof(x));", "free(data);"],
     True, expect="miss",
     why="an aligned 8-byte load of a partly valid last word is allowed (word-at-a-time reads)")

for t in TYPES:
    T = TYPES[t]["c"]
    sinks = ["memcpy", "loop", "index"] + (["cpy"] if TYPES[t]["string"] else [])
    for sink in sinks:
        def body127(offset, sink=sink, T=T, t=t):
            lines = [f"{T}* buffer = ({T}*)malloc(100 * sizeof({T}));",
                     "if (buffer == NULL) return;"]
            if sink == "cpy":
                lines.append(f"{STR[t]['fill']}(buffer, 100);")
            else:
                lines.append(f"juliet_fill(buffer, 100 * sizeof({T}));")
            lines += [f"{T}* data = buffer - juliet_n({offset});", f"{T} dest[100];"]
            if sink == "memcpy":
                lines.append(f"memcpy(dest, data, juliet_n(100) * sizeof({T}));")
            elif sink == "loop":
                lines.append("for (size_t i = 0; i < juliet_n(100); i++) dest[i] = data[i];")
            elif sink == "index":
                lines.append("dest[0] = data[0];")
            else:
                lines.append(f"{STR[t]['cpy']}(dest, data);")
            lines += [f"juliet_use(dest, {'1' if sink == 'index' else '100'} * sizeof({T}));",
                      "free(buffer);"]
            return lines
        case("127", f"CWE127_{t}_{sink}", UNDERFLOW, body127(8), body127(0),
             sink in ("loop", "index"))

# ------------------------------------------------------------------------------------------
# Temporal errors and bad frees.
for t in TYPES:
    T, v = TYPES[t]["c"], TYPES[t]["val"]
    alloc = [f"{T}* data = ({T}*)malloc(100 * sizeof({T}));", "if (data == NULL) return;",
             f"juliet_fill(data, 100 * sizeof({T}));"]
    case("415", f"CWE415_{t}_twice", DOUBLE_FREE, alloc + ["free(data);", "free(data);"],
         alloc + ["free(data);"], True)
    case("415", f"CWE415_{t}_alias", DOUBLE_FREE,
         alloc + [f"{T}* alias = data;", "juliet_release(data);", "free(alias);"],
         alloc + [f"{T}* alias = data;", "juliet_release(data);", "(void)alias;"], True)
    case("416", f"CWE416_{t}_read", UAF,
         alloc + ["free(data);", f"{T} x = data[juliet_n(3)];", "juliet_use(&x, sizeof(x));"],
         alloc + [f"{T} x = data[juliet_n(3)];", "free(data);", "juliet_use(&x, sizeof(x));"],
         True)
    case("416", f"CWE416_{t}_write", UAF,
         alloc + ["free(data);", f"data[juliet_n(3)] = {v};"],
         alloc + [f"data[juliet_n(3)] = {v};", "juliet_use(data, sizeof(*data) * 4);",
                  "free(data);"], True)
    case("416", f"CWE416_{t}_reused", UAF,
         alloc + ["free(data);", f"{T}* other = ({T}*)malloc(100 * sizeof({T}));",
                  f"data[juliet_n(3)] = {v}; /* the block now belongs to `other` */",
                  "juliet_use(other, sizeof(*other));", "free(other);"],
         alloc + ["free(data);", f"{T}* other = ({T}*)malloc(100 * sizeof({T}));",
                  f"other[juliet_n(3)] = {v};", "juliet_use(other, sizeof(*other) * 4);",
                  "free(other);"], True)
for t in ("char", "wchar"):
    T, st = TYPES[t]["c"], STR[t]
    alloc = [f"{T}* data = ({T}*)malloc(100 * sizeof({T}));", "if (data == NULL) return;",
             f"{st['fill']}(data, 100);"]
    case("416", f"CWE416_{t}_len", UAF,
         alloc + ["free(data);", f"size_t n = {st['len']}(data);", "juliet_use(&n, sizeof(n));"],
         alloc + [f"size_t n = {st['len']}(data);", "free(data);", "juliet_use(&n, sizeof(n));"],
         False)
    case("416", f"CWE416_{t}_cpy", UAF,
         alloc + [f"{T} source[20];", f"{st['fill']}(source, 20);", "free(data);",
                  f"{st['cpy']}(data, source);"],
         alloc + [f"{T} source[20];", f"{st['fill']}(source, 20);", f"{st['cpy']}(data, source);",
                  "juliet_use(data, 20 * sizeof(*data));", "free(data);"], False)
case("416", "CWE416_int_realloc_stale", UAF,
     ["int* data = (int*)malloc(juliet_n(4) * sizeof(int));", "if (data == NULL) return;",
      "int* grown = (int*)realloc(data, juliet_n(4000) * sizeof(int));",
      "if (grown == NULL) { free(data); return; }",
      "int x = data[juliet_n(0)]; /* the old pointer, after realloc */",
      "juliet_use(&x, sizeof(x));", "free(grown);"],
     ["int* data = (int*)malloc(juliet_n(4) * sizeof(int));", "if (data == NULL) return;",
      "int* grown = (int*)realloc(data, juliet_n(4000) * sizeof(int));",
      "if (grown == NULL) { free(data); return; }", "grown[0] = 1;",
      "juliet_use(grown, sizeof(int));", "free(grown);"], True)

for t in TYPES:
    T = TYPES[t]["c"]
    for where in ("stack", "static", "alloca"):
        decl = {"stack": f"{T} buffer[100];", "static": f"static {T} buffer[100];",
                "alloca": f"{T}* buffer = ({T}*)alloca(juliet_n(100) * sizeof({T}));"}[where]
        case("590", f"CWE590_{t}_{where}", NON_HEAP,
             [decl, f"{T}* data = buffer;", f"juliet_fill(data, 100 * sizeof({T}));",
              "juliet_use(data, sizeof(*data));", "free(data);"],
             [f"{T}* data = ({T}*)malloc(100 * sizeof({T}));", "if (data == NULL) return;",
              f"juliet_fill(data, 100 * sizeof({T}));", "juliet_use(data, sizeof(*data));",
              "free(data);"], True)

for t in ("char", "wchar"):
    T, st = TYPES[t]["c"], STR[t]
    setup = [f"{T}* data = ({T}*)malloc(100 * sizeof({T}));", "if (data == NULL) return;",
             f"{st['fill']}(data, 100);", "data[juliet_n(40)] = 'S';"]
    case("761", f"CWE761_{t}_search", INTERIOR,
         setup + ["for (; *data != 0; data++) if (*data == 'S') break;", "free(data);"],
         setup + ["size_t i = 0;", "for (; data[i] != 0; i++) if (data[i] == 'S') break;",
                  "juliet_use(&i, sizeof(i));", "free(data);"], True)
    case("761", f"CWE761_{t}_increment", INTERIOR,
         setup + ["data++;", "juliet_use(data, sizeof(*data));", "free(data);"],
         setup + [f"{T}* cursor = data + 1;", "juliet_use(cursor, sizeof(*cursor));",
                  "free(data);"], True)
    case("761", f"CWE761_{t}_middle", INTERIOR,
         setup + ["free(data + juliet_n(50));"], setup + ["free(data);"], True)


# ------------------------------------------------------------------------------------------
def family_file(family):
    return "juliet_" + family.replace("-", "_").lower()


def render_family(family, cases, title=None):
    title = title or f"tests/juliet/gen_cases.py: do not edit. CWE family {family}"
    out = [f"/* Generated by {title}. */",
           '#include "juliet.h"', "",
           "/* Frees p in another function (a double free whose first free is elsewhere). */",
           "JULIET_FN static void juliet_release(void* p) { free(p); }", ""]
    for c in cases:
        if c.expect == "miss":
            out.append(f"/* Known miss: {c.why}. */")
        for variant, body in (("bad", c.bad), ("good", c.good)):
            out.append(f"JULIET_FN void {c.name}_{variant}(void) {{")
            out += ["  " + line for line in body]
            out += ["}", ""]
    out.append("const struct juliet_case juliet_cases[] = {")
    out += [f'    {{"{c.name}", {c.name}_bad, {c.name}_good}},' for c in cases]
    out += ["};", "const size_t juliet_case_count = sizeof(juliet_cases) / sizeof(juliet_cases[0]);",
            ""]
    return "\n".join(out)


def families():
    result = {}
    for c in CASES:
        result.setdefault(c.family, []).append(c)
    return result


def outputs():
    files = {}
    fams = families()
    for family, cases in fams.items():
        files[os.path.join("guest", "gen", family_file(family) + ".c")] = render_family(family,
                                                                                       cases)
    lines = ["# Generated by tests/juliet/gen_cases.py: do not edit.",
             "# juliet_image(FAMILY IMAGE) and juliet_case(FAMILY IMAGE CASE KIND FUNCTION EXPECT):",
             "# FUNCTION is where the report must place the flaw (- when it is inside libc)."]
    for family, cases in fams.items():
        lines.append(f"juliet_image({family} {family_file(family)})")
        for c in cases:
            fn = f"{c.name}_bad" if c.inline else "-"
            lines.append(f"juliet_case({family} {family_file(family)} {c.name} {c.kind} {fn} "
                         f"{c.expect})")
    files["cases.cmake"] = "\n".join(lines) + "\n"
    return files


def write_generated(files, check, script):
    """Writes the generated files (rel path -> text) next to this script, or with check, fails
    if any committed one differs."""
    stale = []
    for rel, text in files.items():
        path = os.path.join(HERE, rel)
        old = open(path).read() if os.path.exists(path) else None
        if old == text:
            continue
        if check:
            stale.append(rel)
        else:
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "w") as f:
                f.write(text)
    if stale:
        sys.exit("tests/juliet: generated files are stale (" + ", ".join(stale) +
                 f"): run tests/juliet/{script} and commit the result")


def main():
    names = [c.name for c in CASES]
    dupes = {n for n in names if names.count(n) > 1}
    if dupes:
        sys.exit(f"gen_cases.py: duplicate case names {sorted(dupes)}")
    write_generated(outputs(), "--check" in sys.argv[1:], "gen_cases.py")
    print(f"{len(CASES)} cases in {len(families())} families")


if __name__ == "__main__":
    main()
