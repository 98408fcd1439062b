// Entry point of netscore_pcap.node: PcapHandle (with static findAllDevs), libVersion,
// switchUser, disableInspectorSignal and adviseHugePages.
#include <napi.h>
#include <pcap/pcap.h>

#include "huge-pages.h"
#include "inspector-signal.h"
#include "pcap-handle.h"
#include "privileges.h"

namespace {

Napi::Value LibVersion(const Napi::CallbackInfo& info) {
  return Napi::String::New(info.Env(), pcap_lib_version());
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("PcapHandle", PcapHandle::Init(env));
  exports.Set("libVersion", Napi::Function::New<LibVersion>(env, "libVersion"));
  RegisterPrivileges(env, exports);
  RegisterInspectorSignal(env, exports);
  RegisterHugePages(env, exports);
  return exports;
}

}  // namespace

NODE_API_MODULE(netscore_pcap, Init)
