// Coroutine rules that the compiler does not check for us.
//
// g++ 12 (Debian 12's compiler) destroys a closure or aggregate temporary that is created inside
// a co_await expression twice: once at the end of the full expression and again when the
// coroutine finishes. `auto r = co_await store.run([id](Db& db) {...});` with a std::string
// capture is a double free. Temporaries of class types with user-provided constructors
// (std::string, std::pair, ...) are not affected, nor are trivially destructible ones, for which
// the second destruction does nothing.
//
// It also mishandles temporaries that exist only in one branch of a conditional expression
// inside a co_await expression: `co_await f(ok ? "a" : "b: " + s)` frees a string twice.
//
// The rules in this codebase: a callable handed to an awaited call captures by reference ([&]).
// Functions that accept one assert it with kAwaitSafeArgument, so a by-value capture of
// anything with a destructor fails to compile instead of corrupting the heap. Aggregates
// (structs built with {...}) are not passed as temporaries to awaited calls either, and no
// argument of an awaited call is a conditional expression: name them first. The lint test
// tests/lint/coro_rules.py (ctest label "lint") checks the last two.
#pragma once

#include <type_traits>

namespace suanwang {

template <class F>
inline constexpr bool kAwaitSafeArgument = std::is_trivially_destructible_v<F>;

#define SUANWANG_AWAIT_SAFE_MESSAGE                                                           \
  "capture by reference ([&]) in callables passed to awaited calls: g++ 12 destroys closure " \
  "temporaries in co_await expressions twice (see gateway/core/coro.hpp)"

}  // namespace suanwang
