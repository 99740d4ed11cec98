// C++ on glibc and libstdc++: iostream, std::map, std::string, algorithms and exceptions.
#include <algorithm>
#include <iostream>
#include <map>
#include <memory>
#include <numeric>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

struct Shape {
  virtual ~Shape() = default;
  virtual double area() const = 0;
};
struct Square : Shape {
  explicit Square(double s) : side(s) {}
  double area() const override { return side * side; }
  double side;
};

int parse(const std::string& text) {
  std::size_t used = 0;
  const int v = std::stoi(text, &used);
  if (used != text.size()) throw std::invalid_argument("trailing characters in '" + text + "'");
  return v;
}

}  // namespace

int main() {
  std::map<std::string, int> counts;
  std::istringstream words("the quick brown fox jumps over the lazy dog the end");
  for (std::string w; words >> w;) ++counts[w];
  for (const auto& [word, n] : counts) std::cout << word << ' ' << n << '\n';

  std::vector<int> v(1000);
  std::iota(v.begin(), v.end(), 1);
  std::reverse(v.begin(), v.end());
  std::sort(v.begin(), v.end());
  std::cout << "sum " << std::accumulate(v.begin(), v.end(), 0L) << '\n';

  std::vector<std::unique_ptr<Shape>> shapes;
  for (int i = 1; i <= 3; ++i) shapes.push_back(std::make_unique<Square>(i * 1.5));
  double total = 0;
  for (const auto& s : shapes) total += s->area();
  std::cout << "areas " << total << '\n';

  for (const char* text : {"42", "17x", "oops"}) {
    try {
      std::cout << "parsed " << parse(text) << '\n';
    } catch (const std::invalid_argument& e) {
      std::cout << "invalid: " << e.what() << '\n';
    }
  }
  try {
    std::vector<int> small(2);
    small.at(5) = 1;
  } catch (const std::out_of_range&) {
    std::cout << "out_of_range caught\n";
  }
  std::cout << "done" << std::endl;
  return 0;
}
