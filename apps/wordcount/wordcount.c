/* Map-reduce word count over a ramfs corpus (Debian's license texts, real prose written by
 * others). Mappers are tasks placed over the partitions: each reads its file from its own
 * partition's copy of the ramfs, counts words in a private table, and sends (word, count) pairs
 * to the reducer over a channel; partition 0 reduces, checks the result against a serial count,
 * and prints the totals and the most frequent words.
 *   wordcount [top]   (default 8) */
#include <ctype.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <unitag/channel.h>
#include <unitag/kernel.h>

#define PORT_REDUCE 20
#define MAX_WORD 40
#define MAX_FILES 16

struct entry {
  char word[MAX_WORD + 1];
  unsigned count;
  struct entry* next;
};

struct table {
  struct entry* buckets[4096];
  unsigned distinct;
  unsigned long total;
};

static unsigned hash(const char* w) {
  unsigned h = 2166136261u;
  while (*w) h = (h ^ (unsigned char)*w++) * 16777619u;
  return h;
}

static void add(struct table* t, const char* word, unsigned n) {
  struct entry** b = &t->buckets[hash(word) % 4096];
  for (struct entry* e = *b; e; e = e->next)
    if (!strcmp(e->word, word)) {
      e->count += n;
      t->total += n;
      return;
    }
  struct entry* e = calloc(1, sizeof *e);
  if (!e) {
    printf("wordcount: out of memory\n");
    exit(1);
  }
  strcpy(e->word, word);
  e->count = n;
  e->next = *b;
  *b = e;
  ++t->distinct;
  t->total += n;
}

/* Splits a file into lower-case words of letters (longer ones cut at MAX_WORD). */
static void count_file(const char* path, struct table* t) {
  const int fd = open(path, O_RDONLY);
  if (fd < 0) return;
  char buf[512], word[MAX_WORD + 1];
  unsigned len = 0;
  for (ssize_t n; (n = read(fd, buf, sizeof buf)) > 0;) {
    for (ssize_t i = 0; i < n; ++i) {
      const int c = (unsigned char)buf[i];
      if (isalpha(c)) {
        if (len < MAX_WORD) word[len++] = (char)tolower(c);
      } else if (len) {
        word[len] = 0;
        add(t, word, 1);
        len = 0;
      }
    }
  }
  if (len) { /* a word that ends the file */
    word[len] = 0;
    add(t, word, 1);
  }
  close(fd);
}

struct job {
  char path[64];
  int reducer;
};

/* The map task: count one file, send every (word, count) to the reducer, then a done marker. */
static long map_file(long arg) {
  const struct job* j = (const struct job*)arg;
  struct table* t = calloc(1, sizeof *t);
  if (!t) return -1;
  count_file(j->path, t);
  uk_msg m = {0};
  m.port = PORT_REDUCE;
  for (unsigned b = 0; b < 4096; ++b)
    for (struct entry* e = t->buckets[b]; e; e = e->next) {
      m.type = e->count;
      m.length = (uint16_t)(strlen(e->word) + 1);
      memcpy(m.data, e->word, m.length);
      uk_chan_send(j->reducer, &m, 0);
    }
  m.type = 0; /* done */
  m.length = 0;
  uk_chan_send(j->reducer, &m, 0);
  const long distinct = t->distinct;
  for (unsigned b = 0; b < 4096; ++b)
    for (struct entry *e = t->buckets[b], *next; e; e = next) {
      next = e->next;
      free(e);
    }
  free(t);
  return distinct;
}

static int by_count(const void* a, const void* b) {
  const struct entry* x = *(const struct entry* const*)a;
  const struct entry* y = *(const struct entry* const*)b;
  if (x->count != y->count) return x->count < y->count ? 1 : -1;
  return strcmp(x->word, y->word);
}

int main(int argc, char** argv) {
  if (uk_partition_self() != 0) return 0; /* other partitions run map tasks */
  const unsigned top = argc > 1 ? (unsigned)atoi(argv[1]) : 8;
  DIR* dir = opendir("/corpus");
  if (!dir) {
    printf("wordcount: no /corpus in the ramfs\n");
    return 1;
  }
  struct job* jobs = uk_shared_alloc(MAX_FILES * sizeof(struct job));
  long ids[MAX_FILES];
  unsigned files = 0;
  for (struct dirent* d; (d = readdir(dir)) && files < MAX_FILES;) {
    if (d->d_name[0] == '.') continue;
    snprintf(jobs[files].path, sizeof jobs[files].path, "/corpus/%s", d->d_name);
    jobs[files].reducer = 0;
    ids[files] = uk_task_start(uk_place_bulk(files), map_file, (long)&jobs[files]);
    ++files;
  }
  closedir(dir);
  /* reduce: merge pairs as they arrive, until every mapper said done */
  struct table* total = calloc(1, sizeof *total);
  unsigned done = 0;
  unsigned long messages = 0;
  while (done < files) {
    uk_msg m;
    if (uk_chan_recv(PORT_REDUCE, &m, 0) != 0) return 1;
    if (m.type == 0) {
      ++done;
      continue;
    }
    m.data[UK_MSG_PAYLOAD - 1] = 0;
    add(total, (const char*)m.data, m.type);
    ++messages;
  }
  long mapped = 0;
  for (unsigned i = 0; i < files; ++i) {
    long r = 0;
    uk_task_join(ids[i], &r);
    mapped += r;
  }
  /* check against a serial count of the same files */
  struct table* serial = calloc(1, sizeof *serial);
  for (unsigned i = 0; i < files; ++i) count_file(jobs[i].path, serial);
  int same = serial->total == total->total && serial->distinct == total->distinct;
  struct entry** all = malloc(total->distinct * sizeof *all);
  unsigned n = 0;
  for (unsigned b = 0; b < 4096; ++b)
    for (struct entry* e = total->buckets[b]; e; e = e->next) {
      all[n++] = e;
      for (struct entry* s = serial->buckets[hash(e->word) % 4096]; s; s = s->next)
        if (!strcmp(s->word, e->word) && s->count != e->count) same = 0;
    }
  qsort(all, n, sizeof *all, by_count);
  printf("wordcount: %u files, %lu words, %u distinct, %lu pairs reduced over channels from %d "
         "partitions: %s\n",
         files, total->total, total->distinct, messages, uk_partition_count(),
         same ? "matches the serial count" : "DIFFERS from the serial count");
  for (unsigned i = 0; i < top && i < n; ++i) printf("  %-12s %u\n", all[i]->word, all[i]->count);
  (void)mapped;
  return same ? 0 : 1;
}
