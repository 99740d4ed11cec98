// Huffman coding: code lengths from the symbol counts of a generated text, canonical codes,
// bit-packed encoding and table-free decoding; every round trip must give the text back.
#include <string.h>

#include "heldout.h"

// The checksum, computed independently by the same source built for the host.
#define EXPECTED 0xbe693261u

#define LEN 32768
#define ROUNDS 130

static uint8_t text[LEN], decoded[LEN], packed[LEN * 2];
static uint32_t counts[256];
static uint8_t lengths[256];
static uint32_t codes[256];

// Code lengths by repeatedly merging the two lightest trees (O(n^2), n <= 256).
static void build_lengths(void) {
  uint64_t weight[512];
  int parent[512], alive[512], nodes = 0, leaf_of[256];
  for (int s = 0; s < 256; ++s) {
    leaf_of[s] = -1;
    if (counts[s]) {
      leaf_of[s] = nodes;
      weight[nodes] = counts[s];
      alive[nodes] = 1;
      parent[nodes++] = -1;
    }
  }
  for (;;) {
    int m1 = -1, m2 = -1;
    for (int i = 0; i < nodes; ++i) {
      if (!alive[i]) continue;
      if (m1 < 0 || weight[i] < weight[m1]) m2 = m1, m1 = i;
      else if (m2 < 0 || weight[i] < weight[m2]) m2 = i;
    }
    if (m2 < 0) break;
    weight[nodes] = weight[m1] + weight[m2];
    alive[nodes] = 1;
    parent[nodes] = -1;
    alive[m1] = alive[m2] = 0;
    parent[m1] = parent[m2] = nodes++;
  }
  for (int s = 0; s < 256; ++s) {
    int depth = 0;
    if (leaf_of[s] >= 0)
      for (int n = leaf_of[s]; parent[n] >= 0; n = parent[n]) ++depth;
    lengths[s] = (uint8_t)depth;
  }
}

// Canonical codes: per length, consecutive codes in symbol order (what the decoder relies on).
static uint32_t first_code[33], first_index[33], per_length[33];
static uint8_t by_code[256];

static void canonical_codes(void) {
  memset(per_length, 0, sizeof per_length);
  for (int s = 0; s < 256; ++s) ++per_length[lengths[s]];
  uint32_t code = 0, index = 0;
  for (int len = 1; len <= 32; ++len) {
    first_code[len] = code;
    first_index[len] = index;
    for (int s = 0; s < 256; ++s)
      if (lengths[s] == len) codes[s] = code++, by_code[index++] = (uint8_t)s;
    code <<= 1;
  }
}

static uint32_t encode(void) {
  memset(packed, 0, sizeof packed);
  uint32_t bit = 0;
  for (int i = 0; i < LEN; ++i) {
    uint8_t s = text[i];
    for (int k = lengths[s] - 1; k >= 0; --k, ++bit)
      if ((codes[s] >> k) & 1) packed[bit >> 3] |= (uint8_t)(0x80 >> (bit & 7));
  }
  return bit;
}

static void decode(void) {
  uint32_t bit = 0;
  for (int i = 0; i < LEN; ++i) {
    uint32_t code = 0;
    for (int len = 1;; ++len) {
      code = code << 1 | ((packed[bit >> 3] >> (7 - (bit & 7))) & 1);
      ++bit;
      if (code - first_code[len] < per_length[len]) {
        decoded[i] = by_code[first_index[len] + code - first_code[len]];
        break;
      }
    }
  }
}

int main(void) {
  uint32_t sum = 0;
  for (int round = 0; round < ROUNDS; ++round) {
    for (int i = 0; i < LEN; ++i) {  // skewed: a few symbols dominate
      uint32_t r = rng();
      text[i] = (uint8_t)((r & 3) ? 'a' + (r >> 8) % (4 + round) : (r >> 16) % 64 + 32);
    }
    memset(counts, 0, sizeof counts);
    for (int i = 0; i < LEN; ++i) ++counts[text[i]];
    build_lengths();
    canonical_codes();
    uint32_t bits = encode();
    decode();
    if (memcmp(text, decoded, LEN) != 0) return fail("huffman", "round trip");
    sum = sum * 31 + bits;
  }
  return report("huffman", sum, EXPECTED);
}
