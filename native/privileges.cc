#include "privileges.h"

#ifdef __linux__

#include <errno.h>
#include <grp.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cstdint>
#include <cstring>
#include <string>

namespace {

[[noreturn]] void Fail(Napi::Env env, const std::string& what, int err) {
  throw Napi::Error::New(env, what + ": " + std::strerror(err));
}

void Check(Napi::Env env, long result, const std::string& what) {
  if (result < 0) Fail(env, what, errno);
}

// Credentials are per thread in the kernel. glibc applies setgroups, setgid
// and setuid to every thread (its setxid broadcast); everything else here
// applies to the calling thread only, which is the JS main thread that opens
// and reopens capture handles. The other threads keep no capability: the
// "keep capabilities" flag is set on this thread only, so the uid switch
// clears theirs. no_new_privs reaches them through the seccomp filter below.
//
// switchUser(name, uid, gid, keep: number[]): drops every capability but
// `keep` from the bounding set, switches to the user's groups, gid and uid,
// then keeps `keep` (and nothing else) permitted and effective, none
// inheritable or ambient, and sets no_new_privs on every thread. Throws
// "<step>: <strerror>" when a step fails.
Napi::Value SwitchUser(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() != 4 || !info[0].IsString() || !info[1].IsNumber() || !info[2].IsNumber() ||
      !info[3].IsArray()) {
    throw Napi::TypeError::New(env, "switchUser(name: string, uid: number, gid: number, keep: number[])");
  }
  const std::string name = info[0].As<Napi::String>();
  const uid_t uid = info[1].As<Napi::Number>().Uint32Value();
  const gid_t gid = info[2].As<Napi::Number>().Uint32Value();
  Napi::Array list = info[3].As<Napi::Array>();
  uint64_t keep = 0;
  for (uint32_t i = 0; i < list.Length(); i++) {
    Napi::Value v = list.Get(i);
    if (!v.IsNumber() || v.As<Napi::Number>().Uint32Value() > 63) {
      throw Napi::TypeError::New(env, "keep must list capability numbers from 0 to 63");
    }
    keep |= uint64_t{1} << v.As<Napi::Number>().Uint32Value();
  }

  // The bounding set first, while CAP_SETPCAP is still effective. Removing a
  // capability from it leaves the effective set alone, so CAP_SETGID and
  // CAP_SETUID still work for the switch below.
  for (unsigned long cap = 0; cap < 64; cap++) {
    int present = prctl(PR_CAPBSET_READ, cap, 0L, 0L, 0L);
    if (present < 0 && errno == EINVAL) break;  // past the kernel's last capability
    Check(env, present, "prctl(PR_CAPBSET_READ)");
    if (present == 0 || (keep >> cap & 1) != 0) continue;
    if (prctl(PR_CAPBSET_DROP, cap, 0L, 0L, 0L) < 0) {
      Fail(env, "removing capability " + std::to_string(cap) + " from the bounding set needs CAP_SETPCAP", errno);
    }
  }

  Check(env, initgroups(name.c_str(), gid), "initgroups");
  Check(env, setgid(gid), "setgid(" + std::to_string(gid) + ")");
  // Keeps this thread's permitted set across the switch away from uid 0; the
  // effective set is cleared regardless and raised again by capset.
  Check(env, prctl(PR_SET_KEEPCAPS, 1L, 0L, 0L, 0L), "prctl(PR_SET_KEEPCAPS, 1)");
  const int switched = setuid(uid);
  const int switchErrno = errno;
  Check(env, prctl(PR_SET_KEEPCAPS, 0L, 0L, 0L, 0L), "prctl(PR_SET_KEEPCAPS, 0)");
  if (switched != 0) Fail(env, "setuid(" + std::to_string(uid) + ")", switchErrno);

  // Empty inheritable set, which also empties the ambient set (the kernel
  // keeps ambient within permitted and inheritable).
  __user_cap_header_struct header{};
  header.version = _LINUX_CAPABILITY_VERSION_3;
  header.pid = 0;
  __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3]{};
  data[0].permitted = data[0].effective = static_cast<uint32_t>(keep);
  data[1].permitted = data[1].effective = static_cast<uint32_t>(keep >> 32);
  Check(env, syscall(SYS_capset, &header, data), "capset");

  Check(env, prctl(PR_SET_NO_NEW_PRIVS, 1L, 0L, 0L, 0L), "prctl(PR_SET_NO_NEW_PRIVS)");
  // no_new_privs is per thread too; TSYNC gives every thread this (allow
  // everything) filter and, with it, the caller's no_new_privs. New threads
  // inherit both from their creator.
  sock_filter allow = BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
  sock_fprog program{1, &allow};
  long synced = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_TSYNC, &program);
  Check(env, synced, "seccomp(SECCOMP_FILTER_FLAG_TSYNC)");
  if (synced > 0) {
    throw Napi::Error::New(env, "seccomp(SECCOMP_FILTER_FLAG_TSYNC): thread " + std::to_string(synced) +
                                    " has a seccomp filter of its own");
  }
  return env.Undefined();
}

}  // namespace

void RegisterPrivileges(Napi::Env env, Napi::Object exports) {
  exports.Set("switchUser", Napi::Function::New<SwitchUser>(env, "switchUser"));
}

#else

void RegisterPrivileges(Napi::Env, Napi::Object) {}

#endif
