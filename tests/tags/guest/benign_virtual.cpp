// Benign: C++ virtual calls (through vtables) on heap-allocated objects.
#include <stdlib.h>

#include "tags_rt.h"

void* operator new(size_t n) { return malloc(n); }
void operator delete(void* p) noexcept { free(p); }
void operator delete(void* p, size_t) noexcept { free(p); }
extern "C" void __cxa_pure_virtual() { bare_exit(99); }

struct Shape {
  virtual ~Shape() = default;
  virtual long area() const = 0;
};
struct Square : Shape {
  explicit Square(long s) : side(s) {}
  long area() const override { return side * side; }
  long side;
};
struct Rect : Shape {
  Rect(long w, long h) : w(w), h(h) {}
  long area() const override { return w * h; }
  long w, h;
};

int main() {
  Shape* shapes[64];
  for (int i = 0; i < 64; ++i) shapes[i] = i % 2 ? static_cast<Shape*>(new Square(i)) : new Rect(i, 2);
  long total = 0;
  for (int round = 0; round < 20; ++round)
    for (Shape* s : shapes) total += s->area();
  for (Shape* s : shapes) delete s;
  print("area", total);
  return 0;
}
