#include "inspector-signal.h"

#include <signal.h>

#include <cstring>
#include <string>

namespace {

// disableInspectorSignal(): sets SIGUSR1's disposition to "ignore". Node 20
// installs a SIGUSR1 handler at start-up that opens the V8 inspector on
// 127.0.0.1:9229 (--disable-sigusr1 exists only in later releases); any
// process of the same user could then run code in netscore. Ignoring the
// signal replaces that handler, and SIGUSR1 no longer ends the process either.
// Throws "sigaction(SIGUSR1): <strerror>" on failure.
Napi::Value DisableInspectorSignal(const Napi::CallbackInfo& info) {
  struct sigaction ignore;
  std::memset(&ignore, 0, sizeof ignore);
  ignore.sa_handler = SIG_IGN;
  sigemptyset(&ignore.sa_mask);
  if (sigaction(SIGUSR1, &ignore, nullptr) != 0) {
    throw Napi::Error::New(info.Env(), std::string("sigaction(SIGUSR1): ") + std::strerror(errno));
  }
  return info.Env().Undefined();
}

}  // namespace

void RegisterInspectorSignal(Napi::Env env, Napi::Object exports) {
  exports.Set("disableInspectorSignal", Napi::Function::New<DisableInspectorSignal>(env, "disableInspectorSignal"));
}
