// A persistent pool of worker threads for the kernels. Work is split into tasks whose results do
// not depend on which thread runs them or how many threads there are: a kernel that reduces
// splits its input into parts fixed by the shape alone and adds the parts in a fixed order, so
// 1 and N threads give the same bits.
#pragma once

#include <cstddef>

namespace rekd {

// Threads the kernels use, the calling thread included (1: no workers). Workers are created or
// ended here, never per call.
void set_thread_count(int threads);
int thread_count();

// Calls body(task) once for each task in [0, tasks), on the pool's threads and the caller's;
// returns when all are done. A call from inside a task (or while another thread is dispatching)
// runs its tasks on the calling thread, in order.
template <typename Body>
void parallel_for(std::size_t tasks, const Body& body);

// The ranges [begin, end) of `parts` near-equal parts of [0, count), part p being
// [count * p / parts, count * (p + 1) / parts).
inline std::size_t part_begin(std::size_t count, std::size_t parts, std::size_t p) { return count * p / parts; }

namespace detail {
using TaskFunction = void (*)(const void* body, std::size_t task);
void run_tasks(std::size_t tasks, TaskFunction function, const void* body);
}  // namespace detail

template <typename Body>
void parallel_for(std::size_t tasks, const Body& body) {
  detail::run_tasks(
      tasks, [](const void* b, std::size_t task) { (*static_cast<const Body*>(b))(task); }, &body);
}

// Calls body(begin, end) over near-equal ranges covering [0, count), at most one range per
// `grain` items and one per thread: for loops whose items are independent (no reduction).
template <typename Body>
void parallel_ranges(std::size_t count, std::size_t grain, const Body& body) {
  std::size_t parts = grain == 0 ? 1 : count / grain;
  const std::size_t threads = static_cast<std::size_t>(thread_count());
  if (parts > threads) parts = threads;
  if (parts <= 1) {
    if (count > 0) body(std::size_t{0}, count);
    return;
  }
  parallel_for(parts, [&](std::size_t p) { body(part_begin(count, parts, p), part_begin(count, parts, p + 1)); });
}

}  // namespace rekd
