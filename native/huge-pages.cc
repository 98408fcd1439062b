#include "huge-pages.h"

#include <cstdint>

#ifdef __linux__
#include <sys/mman.h>
#endif

namespace {

// Size of a transparent huge page on x86-64 and arm64 with 4 KiB pages.
constexpr std::uintptr_t kHugePage = 2u << 20;

// adviseHugePages(buffer): madvise(MADV_HUGEPAGE) on the huge-page-aligned
// part of the ArrayBuffer's memory, so that its first touches fault in 2 MiB
// pages instead of 4 KiB ones (with THP in "madvise" mode, the default, they
// would not otherwise). Contents and addresses are unchanged; it is advice,
// so any failure (THP disabled, no huge page free, not Linux) leaves the
// buffer as it was. Returns whether the kernel took the advice.
Napi::Value AdviseHugePages(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsArrayBuffer()) {
    throw Napi::TypeError::New(env, "adviseHugePages(buffer): buffer must be an ArrayBuffer");
  }
#ifdef MADV_HUGEPAGE
  Napi::ArrayBuffer buffer = info[0].As<Napi::ArrayBuffer>();
  const auto start = reinterpret_cast<std::uintptr_t>(buffer.Data());
  const std::uintptr_t from = (start + kHugePage - 1) & ~(kHugePage - 1);
  const std::uintptr_t to = (start + buffer.ByteLength()) & ~(kHugePage - 1);
  if (to <= from) return Napi::Boolean::New(env, false);
  return Napi::Boolean::New(env, madvise(reinterpret_cast<void*>(from), to - from, MADV_HUGEPAGE) == 0);
#else
  return Napi::Boolean::New(env, false);
#endif
}

}  // namespace

void RegisterHugePages(Napi::Env env, Napi::Object exports) {
  exports.Set("adviseHugePages", Napi::Function::New<AdviseHugePages>(env, "adviseHugePages"));
}
