// How the translation tier's out-of-line helpers run the instruction table's own bodies: a
// function template over `Op O` includes table rows with `#define INSN UNITAG_JIT_ROW_IF`, so
// each instantiation compiles only its own row (the others are discarded statements).
#pragma once

// Expects `O` in scope; ends with a dangling `else` for the next row (close with a statement).
#define UNITAG_JIT_ROW_IF(name, match, mask, fmt, group, body) \
  if constexpr (O == Op::name) {                               \
    body return true;                                          \
  } else
