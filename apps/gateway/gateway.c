/* A request-processing service split the way the offload experiment asks: parsing untrusted
 * input is critical (UK_OFFLOADED: it runs on a tagged partition under --placement
 * critical-only), the bulk of the work (a compute-heavy digest of each payload) is not. The
 * parser has two real bugs an attacker can reach: it trusts the declared length (a heap buffer
 * overflow) and it keeps using a session buffer after a logout freed it (a use after free).
 * Benign traffic never triggers them; `attack` inputs do, and the heap policy on the tagged
 * partition catches them wherever the parser runs tagged.
 *   gateway [requests [none|overflow|uaf [work]]]   (default 256 none 2000) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unitag/channel.h>
#include <unitag/kernel.h>

#define MAX_PAYLOAD 40
#define BATCH 8

/* One request as it arrives off the wire, in shared memory: "<op> <session> <length>:<bytes>" */
struct request {
  char text[96];
  long result;
};

struct batch {
  struct request* requests;
  unsigned count;
  unsigned work;
};

/* --- the critical part: parsing untrusted text (runs tagged under critical-only) -------------- */
static char* g_session[4]; /* per-partition session buffers of the parser */

UK_OFFLOADED1(long, parse_request, const char*, text) {
  char op = text[0];
  const unsigned session = (unsigned)(text[2] - '0') & 3;
  const char* colon = strchr(text, ':');
  if (!colon) return -1;
  const unsigned declared = (unsigned)atoi(text + 4);
  if (op == 'L') { /* logout: the session's buffer goes away... */
    free(g_session[session]);
    return 0; /* BUG: g_session[session] still points at it */
  }
  if (op == 'R') { /* replay the session's last payload: uses the buffer, freed or not */
    if (!g_session[session]) return 0;
    long h = 0;
    for (unsigned i = 0; i < 8; ++i) h = h * 31 + g_session[session][i];
    return h & 0x7fffffff;
  }
  char* body = malloc(MAX_PAYLOAD);
  if (!body) return -1;
  /* BUG: copies `declared` bytes, trusting the sender; benign senders never exceed 40 */
  memcpy(body, colon + 1, declared);
  long h = 5381;
  for (unsigned i = 0; i < declared && i < MAX_PAYLOAD; ++i) h = h * 33 + (unsigned char)body[i];
  if (op == 'S') { /* store as the session's payload */
    if (!g_session[session]) g_session[session] = malloc(MAX_PAYLOAD);
    if (g_session[session]) memcpy(g_session[session], body, MAX_PAYLOAD);
  }
  free(body);
  return h & 0x7fffffff;
}

/* --- the bulk: a compute-heavy digest, untagged under critical-only -------------------------- */
static long digest(long seed, unsigned rounds) {
  uint64_t x = (uint64_t)seed * 0x9e3779b97f4a7c15ull + 1;
  for (unsigned r = 0; r < rounds; ++r) {
    x ^= x >> 31;
    x *= 0xbf58476d1ce4e5b9ull;
    x ^= x >> 27;
    x += r;
  }
  return (long)(x & 0x7fffffff);
}

static long process_batch(long arg) {
  const struct batch* b = (const struct batch*)arg;
  long sum = 0;
  for (unsigned i = 0; i < b->count; ++i) {
    const long parsed = parse_request(b->requests[i].text);
    b->requests[i].result = parsed < 0 ? parsed : digest(parsed, b->work);
    sum += b->requests[i].result;
  }
  return sum;
}

/* Benign traffic, with the attack (if any) at the start of the middle batch, so that its steps
 * run in order inside one task. */
static void make_request(struct request* r, unsigned i, const char* attack, unsigned count) {
  const unsigned at = count / 2 / BATCH * BATCH;
  unsigned session = i % 4;
  const unsigned length = 8 + (i * 7) % 30;
  char payload[64];
  for (unsigned k = 0; k < length; ++k) payload[k] = (char)('a' + (i + k) % 26);
  payload[length] = 0;
  char op = (i % 5 == 0) ? 'S' : 'P';
  unsigned declared = length;
  if (i == at && !strcmp(attack, "overflow"))
    declared = 72; /* a short body declaring a length past the parser's buffer */
  if (!strcmp(attack, "uaf") && (i == at || i == at + 1 || i == at + 4)) {
    session = at % 4;
    op = i == at ? 'S' : i == at + 1 ? 'L' : 'R'; /* store, log out, replay the freed buffer */
  }
  snprintf(r->text, sizeof r->text, "%c %u %02u:%s", op, session, declared, payload);
  r->result = 0;
}

int main(int argc, char** argv) {
  if (uk_partition_self() != 0) return 0; /* other partitions serve tasks and offloaded calls */
  const unsigned count = argc > 1 ? (unsigned)atoi(argv[1]) : 256;
  const char* attack = argc > 2 ? argv[2] : "none";
  const unsigned work = argc > 3 ? (unsigned)atoi(argv[3]) : 2000;
  if (count < 8 || count > 4096 ||
      (strcmp(attack, "none") && strcmp(attack, "overflow") && strcmp(attack, "uaf"))) {
    printf("usage: gateway [requests (8..4096) [none|overflow|uaf [work]]]\n");
    return 2;
  }
  struct request* requests = uk_shared_alloc(count * sizeof(struct request));
  const unsigned batches = (count + BATCH - 1) / BATCH;
  struct batch* b = uk_shared_alloc(batches * sizeof(struct batch));
  long* ids = malloc(batches * sizeof(long));
  if (!requests || !b || !ids) {
    printf("gateway: %u requests do not fit in channel memory; use --channel-mem\n", count);
    return 1;
  }
  for (unsigned i = 0; i < count; ++i) make_request(&requests[i], i, attack, count);
  for (unsigned k = 0; k < batches; ++k) {
    b[k] = (struct batch){requests + k * BATCH, count - k * BATCH < BATCH ? count - k * BATCH : BATCH,
                          work};
    ids[k] = uk_task_start(uk_place_bulk(k), process_batch, (long)&b[k]);
  }
  long total = 0;
  for (unsigned k = 0; k < batches; ++k) {
    long sum = 0;
    uk_task_join(ids[k], &sum);
    total += sum;
  }
  uint64_t offloaded = 0;
  uk_offload_counts(&offloaded, NULL);
  printf("gateway: %u requests (attack %s), placement %s, %llu parses offloaded, checksum %ld\n",
         count, attack, uk_placement_name(), (unsigned long long)offloaded, total);
  return 0;
}
