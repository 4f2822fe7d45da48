#include "parallel.h"

#include <immintrin.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>
#include <vector>

namespace rekd {
namespace {

// After a job, a worker spins this long for the next before it sleeps: the kernels of a training
// step come tens to hundreds of microseconds apart, and a futex wake-up costs as much. While it
// spins it yields the core to any other thread that wants it (the augmentation workers).
constexpr auto kSpin = std::chrono::microseconds(1000);
// The caller waiting for workers inside a job spins this long before it yields.
constexpr auto kCallerSpin = std::chrono::microseconds(200);

// True on a pool worker, and on the caller while it dispatches: nested calls run serially.
thread_local bool inside_pool = false;

class Pool {
 public:
  int threads() const { return static_cast<int>(workers_.size()) + 1; }

  void resize(int workers) {
    std::lock_guard<std::mutex> dispatching(dispatch_);
    if (workers == static_cast<int>(workers_.size())) return;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stop_ = true;
    }
    wake_.notify_all();
    for (std::thread& t : workers_) t.join();
    workers_.clear();
    stop_ = false;
    for (int i = 0; i < workers; ++i) workers_.emplace_back([this] { work(); });
  }

  void run(std::size_t tasks, detail::TaskFunction function, const void* body) {
    std::unique_lock<std::mutex> dispatching(dispatch_, std::try_to_lock);
    if (inside_pool || !dispatching.owns_lock() || workers_.empty() || tasks <= 1) {
      for (std::size_t t = 0; t < tasks; ++t) function(body, t);
      return;
    }
    // The job is written while no worker is inside (open_ false, active_ 0), then opened.
    function_ = function;
    body_ = body;
    tasks_ = tasks;
    next_.store(0, std::memory_order_relaxed);
    open_.store(true);
    {
      // Under the mutex, so that a worker about to sleep sees either the new generation or the wake-up.
      std::lock_guard<std::mutex> lock(mutex_);
      generation_.fetch_add(1, std::memory_order_release);
    }
    wake_.notify_all();
    inside_pool = true;
    take_tasks();
    inside_pool = false;
    // Every task is taken: close the job and wait only for workers inside it, not for those
    // that have not woken up yet (on a busy machine that can take a scheduler time slice).
    open_.store(false);
    wait_for_workers();
  }

 private:
  // Spins while the workers finish their last tasks; past kSpin (a worker preempted by another
  // process on a busy machine), yields the core so that the worker can run on it.
  void wait_for_workers() {
    const auto until = std::chrono::steady_clock::now() + kCallerSpin;
    while (active_.load() != 0) {
      if (std::chrono::steady_clock::now() < until) {
        _mm_pause();
      } else {
        std::this_thread::yield();
      }
    }
  }

  void take_tasks() {
    for (std::size_t t = next_.fetch_add(1, std::memory_order_relaxed); t < tasks_; t = next_.fetch_add(1, std::memory_order_relaxed)) {
      function_(body_, t);
    }
  }

  void work() {
    inside_pool = true;
    std::uint64_t seen = generation_.load(std::memory_order_acquire);
    for (;;) {
      const auto until = std::chrono::steady_clock::now() + kSpin;
      for (int spins = 0; generation_.load(std::memory_order_acquire) == seen && !stop_.load(std::memory_order_relaxed) &&
                          std::chrono::steady_clock::now() < until;
           ++spins) {
        if (spins % 64 == 63) {
          std::this_thread::yield();
        } else {
          _mm_pause();
        }
      }
      if (generation_.load(std::memory_order_acquire) == seen) {
        std::unique_lock<std::mutex> lock(mutex_);
        wake_.wait(lock, [&] { return generation_.load(std::memory_order_acquire) != seen || stop_.load(); });
      }
      if (stop_.load()) return;
      seen = generation_.load(std::memory_order_acquire);
      // Entering, then checking that the job is still open (both sequentially consistent): the
      // caller either waits for this worker or this worker sees the job closed and leaves.
      active_.fetch_add(1);
      if (open_.load()) take_tasks();
      active_.fetch_sub(1);
    }
  }

  std::vector<std::thread> workers_;
  std::mutex dispatch_;  // one dispatching thread at a time
  std::mutex mutex_;     // guards sleeping
  std::condition_variable wake_;
  std::atomic<bool> stop_{false};
  std::atomic<std::uint64_t> generation_{0};
  std::atomic<std::size_t> next_{0};
  std::atomic<bool> open_{false};
  std::atomic<int> active_{0};
  detail::TaskFunction function_ = nullptr;
  const void* body_ = nullptr;
  std::size_t tasks_ = 0;
};

// Never destroyed: at exit the process ends its workers, wherever they wait.
Pool& pool() {
  static Pool* instance = new Pool;
  return *instance;
}

}  // namespace

void set_thread_count(int threads) { pool().resize(threads > 1 ? threads - 1 : 0); }

int thread_count() { return pool().threads(); }

namespace detail {
void run_tasks(std::size_t tasks, TaskFunction function, const void* body) { pool().run(tasks, function, body); }
}  // namespace detail

}  // namespace rekd
