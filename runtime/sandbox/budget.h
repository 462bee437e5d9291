// Budget: the memory, instruction and wall-clock limits of one lua_State
// (runtime/sandbox/README.md).
//
// The Budget is the state's allocator userdata, so natives reach it through lua_getallocf without
// a registry lookup. Memory is counted for the life of the state; instructions and the deadline
// are per call (Arm .. Disarm). Once a limit trips, the count hook re-arms itself to fire on every
// instruction and every allocation that grows the heap fails, so a script's pcall cannot swallow
// the overrun: the call unwinds to the host, which discards the state.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "runtime/config/config.h"
#include "runtime/deadline.h"
#include "runtime/status.h"

struct lua_State;
struct lua_Debug;

namespace connaisseur::sandbox {

enum class Overrun { kNone, kInstructions, kMemory, kDeadline };

class Budget {
 public:
  // The count hook fires every kHookPeriod VM instructions. Smaller is more precise and slower;
  // see README.md for the measured cost and the overshoot it allows.
  static constexpr int kHookPeriod = 1000;
  // No single allocation (one string, one table array) may exceed this many bytes. It bounds the
  // work one VM instruction can do in C on one value (a comparison of two long strings, a
  // concatenation), so the deadline checked between instructions is never overshot by much.
  static constexpr size_t kMaxAllocationBytes = 16u << 20;

  explicit Budget(const config::SandboxLimits& limits) : limits_(limits) {}
  Budget(const Budget&) = delete;
  Budget& operator=(const Budget&) = delete;

  // The lua_Alloc of the state; `ud` is the Budget.
  static void* Allocate(void* ud, void* ptr, size_t osize, size_t nsize) noexcept;

  // Starts a call: resets the instruction count, sets `deadline` (tightened by the limits' call
  // timeout) and installs the count hook on `L`.
  void Arm(lua_State* L, Deadline deadline);
  // Ends a call: removes the hook. Every exit path of a call runs it.
  void Disarm(lua_State* L);

  // Charges `steps` units of work done in C (pattern matching, copies) to the instruction
  // budget; raises a Lua error when it is exhausted or the deadline passed. Natives call it
  // *before* doing the work whenever they know its size.
  void Charge(lua_State* L, uint64_t steps);

  // Moves the call deadline later by `d` (never past the request deadline): time spent waiting
  // on a validator inside connaisseur.verify is not the script's CPU time.
  void Extend(Deadline::Clock::duration d);

  Overrun overrun() const { return overrun_; }
  // The Status of an overrun (kResourceExhausted or kDeadlineExceeded); OK when none.
  Status OverrunStatus() const;
  size_t memory_used() const { return memory_used_; }
  uint64_t instructions_used() const { return instructions_; }
  const config::SandboxLimits& limits() const { return limits_; }

 private:
  static void Hook(lua_State* L, lua_Debug* ar);
  // Records the overrun and makes the hook fire on every instruction from now on.
  void Trip(Overrun why);
  // Raises the overrun as a Lua error at the current position. Does not return.
  [[noreturn]] void Raise(lua_State* L);
  std::string OverrunMessage() const;

  const config::SandboxLimits limits_;
  lua_State* armed_ = nullptr;  // the state while a call runs, else null
  size_t memory_used_ = 0;
  uint64_t instructions_ = 0;
  size_t bytes_since_clock_ = 0;
  uint64_t steps_since_clock_ = 0;
  Deadline deadline_ = Deadline::Infinite();
  Deadline request_deadline_ = Deadline::Infinite();
  Overrun overrun_ = Overrun::kNone;
};

// The Budget of `L` (its allocator userdata).
Budget& GetBudget(lua_State* L);

// Shorthand for GetBudget(L).Charge(L, steps).
inline void ChargeSteps(lua_State* L, uint64_t steps);

}  // namespace connaisseur::sandbox

inline void connaisseur::sandbox::ChargeSteps(lua_State* L, uint64_t steps) {
  GetBudget(L).Charge(L, steps);
}
