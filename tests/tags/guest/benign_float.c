/* Benign (lp64d): doubles and pointers stored through FP loads and stores on the heap. */
#include <stdlib.h>

#include "tags_rt.h"

struct body {
  double x, v;
  struct body* next;
};

int main(void) {
  struct body* head = 0;
  for (int i = 0; i < 64; ++i) {
    struct body* b = malloc(sizeof *b);
    b->x = i * 0.5;
    b->v = 1.0 / (i + 1);
    b->next = head;
    head = b;
  }
  double energy = 0;
  for (int step = 0; step < 200; ++step)
    for (struct body* b = head; b; b = b->next) {
      b->x += b->v * 0.01;
      energy += b->x * b->v;
    }
  while (head) {
    struct body* next = head->next;
    free(head);
    head = next;
  }
  print("energy", (long)energy);
  return 0;
}
