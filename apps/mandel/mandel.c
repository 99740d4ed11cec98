/* Parallel Mandelbrot on the library OS, SMP or multikernel with the same image: the picture is
 * cut into bands of rows, each band is a task placed by the offload scheduler (uk_place_bulk:
 * which partitions get bulk work depends on --placement and on which are tagged), and every
 * partition runs its tasks on all its harts. Rows land in shared memory; partition 0 checks
 * them and prints a thumbnail, the checksum, and where the bands ran.
 *   mandel [width height max_iter [bands]]   (default 256 192 256, 4 bands per hart) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unitag/channel.h>
#include <unitag/kernel.h>

struct job {
  unsigned width, height, max_iter, bands;
  uint16_t* pixels;      /* width * height iteration counts, in shared memory */
  uint32_t* band_owner;  /* partition that computed each band */
};

/* A task's argument: partitions share no globals, so everything a task needs is in shared
 * memory and reached from its argument. */
struct band {
  const struct job* job;
  unsigned index;
};

/* Fixed point 4.28: the same integer arithmetic on every machine, so checksums compare. */
static unsigned escape_time(int64_t cr, int64_t ci, unsigned max_iter) {
  int64_t zr = 0, zi = 0;
  unsigned n = 0;
  while (n < max_iter) {
    const int64_t zr2 = (zr * zr) >> 28, zi2 = (zi * zi) >> 28;
    if (zr2 + zi2 > (4ll << 28)) break;
    zi = ((zr * zi) >> 27) + ci;
    zr = zr2 - zi2 + cr;
    ++n;
  }
  return n;
}

static long compute_band(long arg) {
  const struct band* b = (const struct band*)arg;
  const struct job* j = b->job;
  const unsigned band = b->index;
  const unsigned rows = (j->height + j->bands - 1) / j->bands;
  const unsigned y0 = band * rows, y1 = y0 + rows < j->height ? y0 + rows : j->height;
  long sum = 0;
  for (unsigned y = y0; y < y1; ++y) {
    const int64_t ci = ((int64_t)y * (3ll << 28)) / j->height - (3ll << 27);
    for (unsigned x = 0; x < j->width; ++x) {
      const int64_t cr = ((int64_t)x * (7ll << 27)) / j->width - (5ll << 27);
      const unsigned n = escape_time(cr, ci, j->max_iter);
      j->pixels[y * j->width + x] = (uint16_t)n;
      sum += n;
    }
  }
  j->band_owner[band] = (uint32_t)uk_partition_self();
  return sum;
}

int main(int argc, char** argv) {
  if (uk_partition_self() != 0) return 0; /* other partitions serve tasks */
  const unsigned width = argc > 1 ? (unsigned)atoi(argv[1]) : 256;
  const unsigned height = argc > 2 ? (unsigned)atoi(argv[2]) : 192;
  const unsigned max_iter = argc > 3 ? (unsigned)atoi(argv[3]) : 256;
  unsigned total_harts = 0;
  for (int p = 0; p < uk_partition_count(); ++p) total_harts += (unsigned)uk_partition_harts(p);
  const unsigned bands = argc > 4 ? (unsigned)atoi(argv[4]) : 4 * total_harts;
  if (width < 8 || height < 8 || width > 4096 || height > 4096 || max_iter < 1 || bands < 1 ||
      bands > height) {
    printf("usage: mandel [width height max_iter [bands]] (8..4096, bands <= height)\n");
    return 2;
  }
  struct job* j = uk_shared_alloc(sizeof *j);
  uint16_t* pixels = uk_shared_alloc((size_t)width * height * sizeof(uint16_t));
  uint32_t* owners = uk_shared_alloc(bands * sizeof(uint32_t));
  struct band* args = uk_shared_alloc(bands * sizeof(struct band));
  if (!j || !pixels || !owners || !args) {
    printf("mandel: %ux%u does not fit in channel memory (%lu bytes free); use --channel-mem\n",
           width, height, (unsigned long)uk_shared_free_bytes());
    return 1;
  }
  *j = (struct job){width, height, max_iter, bands, pixels, owners};
  long* ids = malloc(bands * sizeof(long));
  for (unsigned b = 0; b < bands; ++b) {
    args[b] = (struct band){j, b};
    ids[b] = uk_task_start(uk_place_bulk(b), compute_band, (long)&args[b]);
  }
  long checksum = 0;
  for (unsigned b = 0; b < bands; ++b) {
    long sum = 0;
    if (ids[b] < 0 || uk_task_join(ids[b], &sum) != 0) {
      printf("mandel: band %u failed (%ld)\n", b, ids[b]);
      return 1;
    }
    checksum += sum;
  }
  long check = 0;
  for (size_t i = 0; i < (size_t)width * height; ++i) check += pixels[i];
  /* a thumbnail: 64 columns, rows scaled to keep the aspect */
  static const char shades[] = " .:-=+*#%@";
  const unsigned cols = 64, lines = height * cols / width / 2;
  for (unsigned ly = 0; ly < lines; ++ly) {
    char row[65];
    for (unsigned cx = 0; cx < cols; ++cx) {
      const unsigned n = pixels[(ly * height / lines) * width + cx * width / cols];
      row[cx] = n >= max_iter ? '@' : shades[n * 9 / max_iter];
    }
    row[cols] = 0;
    printf("%s\n", row);
  }
  unsigned per_partition[16] = {0};
  for (unsigned b = 0; b < bands; ++b)
    if (owners[b] < 16) ++per_partition[owners[b]];
  printf("mandel %ux%u max_iter %u: checksum %ld (%s), %u bands on %d partitions (placement %s):",
         width, height, max_iter, checksum, check == checksum ? "verified" : "MISMATCH", bands,
         uk_partition_count(), uk_placement_name());
  for (int p = 0; p < uk_partition_count(); ++p)
    printf(" p%d%s=%u", p, uk_partition_tagged(p) ? "(tagged)" : "", per_partition[p]);
  printf("\n");
  return check == checksum ? 0 : 1;
}
