// One libpcap capture handle driven by the libuv loop of the JS thread.
#pragma once

#include <napi.h>
#include <pcap/pcap.h>
#include <uv.h>

#include <memory>
#include <string>

// Size of a record header in the batch buffer: tsSec, tsNsec, caplen, wirelen
// as native-endian u32. Packet bytes follow, padded to a multiple of 4 so that
// every header is u32-aligned.
constexpr size_t kRecordHeader = 16;

// Default batch buffer size when JS does not pass one.
constexpr size_t kDefaultBatchBytes = 4u << 20;

class PcapHandle : public Napi::ObjectWrap<PcapHandle> {
 public:
  static Napi::Function Init(Napi::Env env);
  explicit PcapHandle(const Napi::CallbackInfo& info);
  ~PcapHandle() override;

 private:
  Napi::Value Open(const Napi::CallbackInfo& info);
  Napi::Value SetFilter(const Napi::CallbackInfo& info);
  Napi::Value Start(const Napi::CallbackInfo& info);
  Napi::Value Stop(const Napi::CallbackInfo& info);
  Napi::Value Stats(const Napi::CallbackInfo& info);
  Napi::Value Datalink(const Napi::CallbackInfo& info);
  Napi::Value Close(const Napi::CallbackInfo& info);
  Napi::Value Buffer(const Napi::CallbackInfo& info);

  static void OnPoll(uv_poll_t* poll, int status, int events);
  static void OnTeardown(napi_async_cleanup_hook_handle hook, void* self);
  static void OnPacket(u_char* user, const struct pcap_pkthdr* hdr,
                       const u_char* bytes);

  void Drain(int status);
  void Flush();
  void Deliver(napi_value fn, size_t argc, const napi_value* argv);
  void StopPolling();
  void ClosePcap();
  void ReportError(const std::string& message);
  pcap_t* RequireOpen(Napi::Env env, const char* what);

  pcap_t* pcap_ = nullptr;
  // Owned by libuv between uv_close and its close callback; null when idle.
  uv_poll_t* poll_ = nullptr;
  // Registered while polling: closes the poll when the environment (a
  // worker thread) is torn down, before the addon may be unloaded.
  napi_async_cleanup_hook_handle teardown_ = nullptr;
  std::string iface_;
  bool closed_ = false;
  bool nano_ = false;
  // True while the socket counts in the process's derived fanout group of iface_.
  bool derivedFanout_ = false;
  // pcap_snapshot() of the open handle: the most bytes a record may carry.
  uint32_t snapshot_ = 0;
  // True while pcap_dispatch is on the stack: pcap_close must wait for it.
  bool dispatching_ = false;
  bool closePending_ = false;

  Napi::Reference<Napi::ArrayBuffer> bufferRef_;
  uint8_t* batch_ = nullptr;
  size_t batchSize_ = 0;
  size_t batchUsed_ = 0;
  uint32_t batchCount_ = 0;

  Napi::FunctionReference onBatch_;
  Napi::FunctionReference onError_;
  std::unique_ptr<Napi::AsyncContext> async_;
};
