// C++ threads: std::thread, std::async and std::future, std::mutex, and an exception carried
// across threads by a future.
#include <future>
#include <iostream>
#include <mutex>
#include <numeric>
#include <stdexcept>
#include <thread>
#include <vector>

namespace {

long partial_sum(long from, long to) {
  long s = 0;
  for (long i = from; i < to; ++i) s += i * i % 1009;
  return s;
}

}  // namespace

int main() {
  std::mutex lock;
  std::vector<int> finished;
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i)
    threads.emplace_back([&, i] {
      const long s = partial_sum(i * 1000, (i + 1) * 1000);
      std::lock_guard<std::mutex> guard(lock);
      finished.push_back(static_cast<int>(s % 97));
    });
  for (auto& t : threads) t.join();
  std::cout << "threads finished: " << finished.size() << ", checksum "
            << std::accumulate(finished.begin(), finished.end(), 0) << '\n';

  std::vector<std::future<long>> parts;
  for (long i = 0; i < 8; ++i)
    parts.push_back(std::async(std::launch::async, partial_sum, i * 50000, (i + 1) * 50000));
  long total = 0;
  for (auto& f : parts) total += f.get();
  std::cout << "async total " << total << " (serial " << partial_sum(0, 400000) << ")\n";

  auto failing = std::async(std::launch::async, []() -> int { throw std::runtime_error("boom"); });
  try {
    failing.get();
  } catch (const std::runtime_error& e) {
    std::cout << "exception from another thread: " << e.what() << '\n';
  }
  return 0;
}
