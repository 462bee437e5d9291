#include "runtime/sandbox/budget.h"

#include <chrono>
#include <cstdlib>
#include <lua.hpp>

namespace connaisseur::sandbox {
namespace {

// The clock is read at most once per this much allocated memory or charged work, so a C
// function that allocates or works in a loop still notices the deadline.
constexpr size_t kClockEveryBytes = 1u << 20;
constexpr uint64_t kClockEverySteps = 1u << 16;

}  // namespace

Budget& GetBudget(lua_State* L) {
  void* ud = nullptr;
  lua_getallocf(L, &ud);
  return *static_cast<Budget*>(ud);
}

void* Budget::Allocate(void* ud, void* ptr, size_t osize, size_t nsize) noexcept {
  auto* b = static_cast<Budget*>(ud);
  if (nsize == 0) {
    if (ptr != nullptr) {
      b->memory_used_ -= osize;
      std::free(ptr);  // the Lua allocator contract; nothing else in our code frees
    }
    return nullptr;
  }
  const size_t old = ptr == nullptr ? 0 : osize;  // osize is a type tag when ptr is null
  if (nsize > old) {
    // Checked before the work: a refused block costs nothing, so string.rep(s, 1e12) fails
    // without touching memory.
    const size_t grow = nsize - old;
    if (b->overrun_ != Overrun::kNone) return nullptr;
    if (nsize > kMaxAllocationBytes || b->memory_used_ + grow > b->limits_.memory_limit_bytes) {
      if (b->armed_ != nullptr) b->Trip(Overrun::kMemory);
      return nullptr;
    }
    b->bytes_since_clock_ += grow;
    if (b->armed_ != nullptr && b->bytes_since_clock_ >= kClockEveryBytes) {
      b->bytes_since_clock_ = 0;
      if (b->deadline_.expired()) {
        b->Trip(Overrun::kDeadline);
        return nullptr;
      }
    }
  }
  void* p = std::realloc(ptr, nsize);
  if (p == nullptr) return nsize <= old ? ptr : nullptr;  // Lua assumes shrinking never fails
  b->memory_used_ = b->memory_used_ - old + nsize;
  return p;
}

void Budget::Arm(lua_State* L, Deadline deadline) {
  armed_ = L;
  instructions_ = 0;
  steps_since_clock_ = 0;
  bytes_since_clock_ = 0;
  request_deadline_ = deadline;
  deadline_ = deadline.Min(Deadline::In(std::chrono::milliseconds(limits_.call_timeout_ms)));
  lua_sethook(L, &Budget::Hook, LUA_MASKCOUNT, kHookPeriod);
}

void Budget::Disarm(lua_State* L) {
  lua_sethook(L, nullptr, 0, 0);
  armed_ = nullptr;
}

void Budget::Extend(Deadline::Clock::duration d) {
  if (deadline_.infinite()) return;
  deadline_ = Deadline::At(deadline_.at() + d).Min(request_deadline_);
}

void Budget::Trip(Overrun why) {
  if (overrun_ == Overrun::kNone) overrun_ = why;
  // lua_sethook is safe to call from anywhere (the manual allows it from signal handlers); from
  // now on every instruction raises, so no pcall in the script can resume normal work.
  if (armed_ != nullptr) lua_sethook(armed_, &Budget::Hook, LUA_MASKCOUNT, 1);
}

void Budget::Hook(lua_State* L, lua_Debug* /*ar*/) {
  Budget& b = GetBudget(L);
  if (b.overrun_ == Overrun::kNone) {
    b.instructions_ += kHookPeriod;
    if (b.instructions_ > b.limits_.instruction_limit) {
      b.Trip(Overrun::kInstructions);
    } else if (b.deadline_.expired()) {
      b.Trip(Overrun::kDeadline);
    } else {
      return;
    }
  }
  b.Raise(L);
}

void Budget::Charge(lua_State* L, uint64_t steps) {
  if (overrun_ == Overrun::kNone) {
    instructions_ += steps;
    steps_since_clock_ += steps;
    if (instructions_ > limits_.instruction_limit) {
      Trip(Overrun::kInstructions);
    } else if (steps_since_clock_ >= kClockEverySteps) {
      steps_since_clock_ = 0;
      if (deadline_.expired()) Trip(Overrun::kDeadline);
    }
  }
  if (overrun_ != Overrun::kNone) Raise(L);
}

std::string Budget::OverrunMessage() const {
  switch (overrun_) {
    case Overrun::kInstructions:
      return "instruction budget of " + std::to_string(limits_.instruction_limit) + " exceeded";
    case Overrun::kMemory:
      return "memory budget of " + std::to_string(limits_.memory_limit_bytes) + " bytes exceeded";
    case Overrun::kDeadline:
      return "deadline exceeded";
    case Overrun::kNone:
      break;
  }
  return "no overrun";
}

void Budget::Raise(lua_State* L) {
  // The message is built into a C++ string first so no Lua allocation happens while our C++
  // objects are alive; luaL_error then raises (a C++ exception in the C++ build of Lua).
  const std::string msg = OverrunMessage();
  luaL_where(L, 1);
  lua_pushlstring(L, msg.data(), msg.size());
  lua_concat(L, 2);
  lua_error(L);
  std::abort();  // unreachable: lua_error does not return
}

Status Budget::OverrunStatus() const {
  switch (overrun_) {
    case Overrun::kNone:
      return Status::Ok();
    case Overrun::kDeadline:
      return DeadlineExceededError(OverrunMessage());
    default:
      return ResourceExhaustedError(OverrunMessage());
  }
}

}  // namespace connaisseur::sandbox
