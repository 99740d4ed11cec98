// C++ on the library OS: static constructors run before main, function-local statics, new and
// delete (scalar, array, over-aligned), virtual calls.
#include <stdio.h>

#include "selftest.h"

namespace {

int g_constructed = 0;

struct Registered {
  explicit Registered(int v) : value(v) { g_constructed += v; }
  int value;
};
Registered first(1), second(2);

struct Shape {
  virtual ~Shape() = default;
  virtual int area() const = 0;
};
struct Square final : Shape {
  explicit Square(int s) : side(s) {}
  int area() const override { return side * side; }
  int side;
};

struct alignas(64) Wide {
  char bytes[64];
};

int& counter() {
  static int c = 40;
  return c;
}

}  // namespace

extern "C" int test_cxx(void) {
  Shape* s = new Square(7);
  const int area = s->area();
  delete s;
  int* many = new int[100];
  for (int i = 0; i < 100; ++i) many[i] = i;
  const int last = many[99];
  delete[] many;
  Wide* w = new Wide;
  const bool aligned = reinterpret_cast<unsigned long>(w) % 64 == 0;
  delete w;
  counter() += 2;
  printf("cxx: constructors ran: %d, area %d, last %d, over-aligned new %s, static %d\n",
         g_constructed, area, last, aligned ? "ok" : "MISALIGNED", counter());
  return g_constructed == 3 && area == 49 && last == 99 && aligned && counter() == 42 ? 0 : 1;
}
