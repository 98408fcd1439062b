#include "pcap-handle.h"

#include "fanout.h"
#include "find-devs.h"

#include <cstring>
#include <string>

namespace {

// Upper bound on pcap_dispatch calls per readable event, so that a flood on
// one interface cannot starve the rest of the event loop. The poll is
// level-triggered: whatever is left wakes us again on the next loop turn.
constexpr int kMaxDispatchPerWake = 16;

const char* StatusCode(int status) {
  switch (status) {
    case PCAP_ERROR_NO_SUCH_DEVICE: return "NO_SUCH_DEVICE";
    case PCAP_ERROR_PERM_DENIED: return "PERM_DENIED";
    case PCAP_ERROR_PROMISC_PERM_DENIED: return "PROMISC_PERM_DENIED";
    case PCAP_ERROR_IFACE_NOT_UP: return "IFACE_NOT_UP";
    case PCAP_ERROR_RFMON_NOTSUP: return "RFMON_NOTSUP";
    case PCAP_ERROR_NOT_RFMON: return "NOT_RFMON";
    case PCAP_ERROR_ACTIVATED: return "ACTIVATED";
    case PCAP_ERROR_NOT_ACTIVATED: return "NOT_ACTIVATED";
    case PCAP_ERROR_BREAK: return "BREAK";
    default: return "ERROR";
  }
}

// libpcap's own wording: the status text, plus the detail pcap_geterr holds
// when there is one ("No such device exists (SIOCGIFHWADDR: No such device)").
std::string StatusMessage(pcap_t* p, int status) {
  std::string detail = pcap_geterr(p);
  if (status == PCAP_ERROR || status == PCAP_WARNING) {
    return detail.empty() ? pcap_statustostr(status) : detail;
  }
  std::string text = pcap_statustostr(status);
  if (!detail.empty() && detail != text) text += " (" + detail + ")";
  return text;
}

[[noreturn]] void ThrowCoded(Napi::Env env, const std::string& message,
                             const char* code) {
  Napi::Error error = Napi::Error::New(env, message);
  error.Set("code", Napi::String::New(env, code));
  throw error;
}

uint32_t OptionU32(Napi::Object opts, const char* key, uint32_t fallback) {
  Napi::Value v = opts.Get(key);
  if (v.IsUndefined()) return fallback;
  if (!v.IsNumber()) {
    ThrowCoded(opts.Env(), std::string(key) + " must be a number", "EINVAL");
  }
  double d = v.As<Napi::Number>().DoubleValue();
  if (!(d >= 0 && d <= 4294967295.0) || d != static_cast<uint32_t>(d)) {
    ThrowCoded(opts.Env(),
               std::string(key) + " must be an integer from 0 to 4294967295",
               "EINVAL");
  }
  return static_cast<uint32_t>(d);
}

bool OptionBool(Napi::Object opts, const char* key, bool fallback) {
  Napi::Value v = opts.Get(key);
  return v.IsUndefined() ? fallback : v.ToBoolean().Value();
}

// The fanout request of open()'s options: group -1 when derived, or none.
struct FanoutRequest {
  bool wanted = false;
  int32_t group = -1;
  FanoutMode mode = FanoutMode::kHash;
};

FanoutRequest OptionFanout(Napi::Object opts) {
  FanoutRequest request;
  Napi::Value v = opts.Get("fanout");
  if (v.IsUndefined()) return request;
  if (!v.IsObject()) ThrowCoded(opts.Env(), "fanout must be an object", "EINVAL");
  Napi::Object fanout = v.As<Napi::Object>();
  request.wanted = true;
  if (!fanout.Get("group").IsUndefined()) {
    uint32_t group = OptionU32(fanout, "group", 0);
    if (group > 65535) ThrowCoded(opts.Env(), "fanout group must be an integer from 0 to 65535", "EINVAL");
    request.group = static_cast<int32_t>(group);
  }
  Napi::Value mode = fanout.Get("mode");
  if (!mode.IsUndefined() && !(mode.IsString() && ParseFanoutMode(mode.As<Napi::String>().Utf8Value(), &request.mode))) {
    ThrowCoded(opts.Env(), "fanout mode must be hash, lb or cpu", "EINVAL");
  }
  return request;
}

void DeletePoll(uv_handle_t* handle) {
  delete reinterpret_cast<uv_poll_t*>(handle);
}

// Close callback of a poll closed at teardown: its data is the cleanup hook,
// whose removal tells Node.js the teardown may go on.
void FinishTeardown(uv_handle_t* handle) {
  auto hook = static_cast<napi_async_cleanup_hook_handle>(handle->data);
  DeletePoll(handle);
  napi_remove_async_cleanup_hook(hook);
}

}  // namespace

Napi::Function PcapHandle::Init(Napi::Env env) {
  return DefineClass(env, "PcapHandle",
                     {
                         InstanceMethod<&PcapHandle::Open>("open"),
                         InstanceMethod<&PcapHandle::SetFilter>("setFilter"),
                         InstanceMethod<&PcapHandle::Start>("start"),
                         InstanceMethod<&PcapHandle::Stop>("stop"),
                         InstanceMethod<&PcapHandle::Stats>("stats"),
                         InstanceMethod<&PcapHandle::Datalink>("datalink"),
                         InstanceMethod<&PcapHandle::Close>("close"),
                         InstanceMethod<&PcapHandle::Buffer>("buffer"),
                         StaticMethod<&FindAllDevs>("findAllDevs"),
                     });
}

// new PcapHandle(batchBytes?): allocates the batch buffer once; it lives as
// long as this object and is exposed to JS by buffer().
PcapHandle::PcapHandle(const Napi::CallbackInfo& info)
    : Napi::ObjectWrap<PcapHandle>(info) {
  Napi::Env env = info.Env();
  size_t size = kDefaultBatchBytes;
  if (info.Length() > 0 && !info[0].IsUndefined()) {
    if (!info[0].IsNumber()) ThrowCoded(env, "batchBytes must be a number", "EINVAL");
    double d = info[0].As<Napi::Number>().DoubleValue();
    if (!(d >= 4096 && d <= 1073741824.0)) {
      ThrowCoded(env, "batchBytes must be from 4096 to 1073741824", "EINVAL");
    }
    size = static_cast<size_t>(d) & ~static_cast<size_t>(3);
  }
  Napi::ArrayBuffer buffer = Napi::ArrayBuffer::New(env, size);
  bufferRef_ = Napi::Persistent(buffer);
  batch_ = static_cast<uint8_t*>(buffer.Data());
  batchSize_ = size;
  // No resource object: holding `this` would keep the handle from being
  // collected.
  async_ = std::make_unique<Napi::AsyncContext>(env, "NetscorePcap");
}

// Polling holds a reference on this object, so a collected handle is idle:
// at teardown, OnTeardown has closed the poll before finalizers run.
PcapHandle::~PcapHandle() { ClosePcap(); }

// Runs when the environment is torn down mid-capture (a worker thread ends,
// or the process exits), before the finalizers, and before Node.js may unload
// this addon: a close callback left in the loop would then point nowhere.
// Touches no JavaScript value; the finalizer releases those.
void PcapHandle::OnTeardown(napi_async_cleanup_hook_handle hook, void* arg) {
  auto* self = static_cast<PcapHandle*>(arg);
  uv_poll_stop(self->poll_);
  self->poll_->data = hook;
  uv_close(reinterpret_cast<uv_handle_t*>(self->poll_), FinishTeardown);
  self->poll_ = nullptr;
  self->teardown_ = nullptr;
  self->ClosePcap();
}

pcap_t* PcapHandle::RequireOpen(Napi::Env env, const char* what) {
  if (pcap_ == nullptr) {
    ThrowCoded(env,
               std::string(what) + ": capture handle is " +
                   (closed_ ? "closed" : "not open"),
               "NOT_OPEN");
  }
  return pcap_;
}

// open(iface, { snaplen, promiscuous, bufferSize, timeoutMs, immediate, fanout? })
//   -> { linktype, snaplen, nanosecond, warning?, fanoutGroup? }
// fanout: { group?, mode? } joins the socket to a PACKET_FANOUT group once
// libpcap has bound it and set up its ring (the kernel requires a bound
// socket); without group, the group this process derives for the interface.
Napi::Value PcapHandle::Open(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (closed_) ThrowCoded(env, "open: capture handle is closed", "NOT_OPEN");
  if (pcap_ != nullptr) ThrowCoded(env, "open: capture handle is already open", "ACTIVATED");
  if (info.Length() < 1 || !info[0].IsString()) {
    ThrowCoded(env, "open: interface name must be a string", "EINVAL");
  }
  std::string iface = info[0].As<Napi::String>().Utf8Value();
  Napi::Object opts = info.Length() > 1 && info[1].IsObject()
                          ? info[1].As<Napi::Object>()
                          : Napi::Object::New(env);
  uint32_t snaplen = OptionU32(opts, "snaplen", 256);
  bool promiscuous = OptionBool(opts, "promiscuous", true);
  uint32_t bufferSize = OptionU32(opts, "bufferSize", 64u << 20);
  uint32_t timeoutMs = OptionU32(opts, "timeoutMs", 100);
  bool immediate = OptionBool(opts, "immediate", false);
  FanoutRequest fanout = OptionFanout(opts);

  char errbuf[PCAP_ERRBUF_SIZE];
  errbuf[0] = '\0';
  pcap_t* p = pcap_create(iface.c_str(), errbuf);
  if (p == nullptr) ThrowCoded(env, errbuf, "ERROR");

  // The setters can only fail on an activated handle; this one is fresh.
  pcap_set_snaplen(p, static_cast<int>(snaplen));
  pcap_set_promisc(p, promiscuous ? 1 : 0);
  pcap_set_buffer_size(p, static_cast<int>(bufferSize));
  if (immediate) {
    pcap_set_immediate_mode(p, 1);
  } else {
    pcap_set_timeout(p, static_cast<int>(timeoutMs));
  }
  // Refused where the platform has only microseconds; we check after activate.
  pcap_set_tstamp_precision(p, PCAP_TSTAMP_PRECISION_NANO);

  int status = pcap_activate(p);
  if (status < 0) {
    std::string message = StatusMessage(p, status);
    pcap_close(p);
    ThrowCoded(env, message, StatusCode(status));
  }
  std::string warning = status > 0 ? StatusMessage(p, status) : "";

  int snapshot = pcap_snapshot(p);
  if (kRecordHeader + ((static_cast<size_t>(snapshot) + 3) & ~size_t{3}) > batchSize_) {
    pcap_close(p);
    ThrowCoded(env,
               "snaplen " + std::to_string(snapshot) + " does not fit the " +
                   std::to_string(batchSize_) + "-byte batch buffer",
               "EINVAL");
  }
  if (pcap_setnonblock(p, 1, errbuf) < 0) {
    std::string message = errbuf;
    pcap_close(p);
    ThrowCoded(env, message, "ERROR");
  }
  if (pcap_get_selectable_fd(p) < 0) {
    pcap_close(p);
    ThrowCoded(env, "interface has no selectable file descriptor", "ERROR");
  }

  uint16_t fanoutGroup = 0;
  if (fanout.wanted) {
    std::string error = JoinFanout(pcap_fileno(p), iface, fanout.group, fanout.mode, &fanoutGroup);
    if (!error.empty()) {
      pcap_close(p);
      ThrowCoded(env, error, "FANOUT");
    }
  }

  pcap_ = p;
  // A derived membership is released by ClosePcap, after the socket has left the group.
  derivedFanout_ = fanout.wanted && fanout.group < 0;
  snapshot_ = static_cast<uint32_t>(snapshot);
  iface_ = iface;
  nano_ = pcap_get_tstamp_precision(p) == PCAP_TSTAMP_PRECISION_NANO;

  Napi::Object result = Napi::Object::New(env);
  result.Set("linktype", Napi::Number::New(env, pcap_datalink(p)));
  result.Set("snaplen", Napi::Number::New(env, snapshot));
  result.Set("nanosecond", Napi::Boolean::New(env, nano_));
  if (!warning.empty()) result.Set("warning", Napi::String::New(env, warning));
  if (fanout.wanted) result.Set("fanoutGroup", Napi::Number::New(env, fanoutGroup));
  return result;
}

// setFilter(expr): compiles and installs a BPF filter.
Napi::Value PcapHandle::SetFilter(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  pcap_t* p = RequireOpen(env, "setFilter");
  if (info.Length() < 1 || !info[0].IsString()) {
    ThrowCoded(env, "setFilter: filter must be a string", "EINVAL");
  }
  std::string expr = info[0].As<Napi::String>().Utf8Value();

  // The netmask only matters for "ip broadcast"; unknown is accepted otherwise.
  bpf_u_int32 net = 0;
  bpf_u_int32 mask = PCAP_NETMASK_UNKNOWN;
  char errbuf[PCAP_ERRBUF_SIZE];
  if (pcap_lookupnet(iface_.c_str(), &net, &mask, errbuf) < 0) {
    mask = PCAP_NETMASK_UNKNOWN;
  }

  struct bpf_program program;
  if (pcap_compile(p, &program, expr.c_str(), 1, mask) < 0) {
    ThrowCoded(env, "filter \"" + expr + "\": " + pcap_geterr(p), "BAD_FILTER");
  }
  int rc = pcap_setfilter(p, &program);
  pcap_freecode(&program);
  if (rc < 0) {
    ThrowCoded(env, "filter \"" + expr + "\": " + pcap_geterr(p), "BAD_FILTER");
  }
  return env.Undefined();
}

// start(onBatch(count, bytes), onError(message, code)): begins polling.
Napi::Value PcapHandle::Start(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  pcap_t* p = RequireOpen(env, "start");
  if (poll_ != nullptr) ThrowCoded(env, "start: capture already started", "EINVAL");
  if (info.Length() < 2 || !info[0].IsFunction() || !info[1].IsFunction()) {
    ThrowCoded(env, "start: expected (onBatch, onError) functions", "EINVAL");
  }
  uv_loop_t* loop = nullptr;
  if (napi_get_uv_event_loop(env, &loop) != napi_ok) {
    ThrowCoded(env, "start: no event loop", "ERROR");
  }

  auto* poll = new uv_poll_t;
  int rc = uv_poll_init(loop, poll, pcap_get_selectable_fd(p));
  if (rc == 0) {
    poll->data = this;
    rc = uv_poll_start(poll, UV_READABLE, OnPoll);
    if (rc != 0) uv_close(reinterpret_cast<uv_handle_t*>(poll), DeletePoll);
  } else {
    delete poll;
  }
  if (rc != 0) ThrowCoded(env, std::string("start: ") + uv_strerror(rc), "ERROR");

  if (napi_add_async_cleanup_hook(env, OnTeardown, this, &teardown_) != napi_ok) {
    uv_close(reinterpret_cast<uv_handle_t*>(poll), DeletePoll);
    ThrowCoded(env, "start: cannot register the teardown hook", "ERROR");
  }
  poll_ = poll;
  onBatch_ = Napi::Persistent(info[0].As<Napi::Function>());
  onError_ = Napi::Persistent(info[1].As<Napi::Function>());
  batchUsed_ = 0;
  batchCount_ = 0;
  // Keeps this object (and so the pcap_t) alive while libuv points at it.
  Ref();
  return env.Undefined();
}

// stop(): stops polling; packets still queued in the kernel stay there.
Napi::Value PcapHandle::Stop(const Napi::CallbackInfo& info) {
  StopPolling();
  return info.Env().Undefined();
}

Napi::Value PcapHandle::Stats(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  pcap_t* p = RequireOpen(env, "stats");
  struct pcap_stat st;
  std::memset(&st, 0, sizeof st);
  if (pcap_stats(p, &st) < 0) ThrowCoded(env, pcap_geterr(p), "ERROR");
  Napi::Object result = Napi::Object::New(env);
  result.Set("received", Napi::Number::New(env, st.ps_recv));
  result.Set("dropped", Napi::Number::New(env, st.ps_drop));
  result.Set("ifDropped", Napi::Number::New(env, st.ps_ifdrop));
  return result;
}

Napi::Value PcapHandle::Datalink(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return Napi::Number::New(env, pcap_datalink(RequireOpen(env, "datalink")));
}

// close(): idempotent, and safe on a handle whose open failed.
Napi::Value PcapHandle::Close(const Napi::CallbackInfo& info) {
  closed_ = true;
  StopPolling();
  if (dispatching_) {
    closePending_ = true;  // Drain closes once pcap_dispatch has returned.
  } else {
    ClosePcap();
  }
  return info.Env().Undefined();
}

Napi::Value PcapHandle::Buffer(const Napi::CallbackInfo& /*info*/) {
  return bufferRef_.Value();
}

void PcapHandle::StopPolling() {
  if (poll_ == nullptr) return;
  uv_poll_stop(poll_);
  poll_->data = nullptr;
  uv_close(reinterpret_cast<uv_handle_t*>(poll_), DeletePoll);
  poll_ = nullptr;
  napi_remove_async_cleanup_hook(teardown_);
  teardown_ = nullptr;
  if (dispatching_ && pcap_ != nullptr) pcap_breakloop(pcap_);
  onBatch_.Reset();
  onError_.Reset();
  Unref();
}

void PcapHandle::ClosePcap() {
  if (pcap_ == nullptr) return;
  pcap_close(pcap_);
  pcap_ = nullptr;
  if (derivedFanout_) LeaveDerivedFanout(iface_);
  derivedFanout_ = false;
}

void PcapHandle::OnPoll(uv_poll_t* poll, int status, int /*events*/) {
  auto* self = static_cast<PcapHandle*>(poll->data);
  if (self != nullptr) self->Drain(status);
}

void PcapHandle::Drain(int status) {
  Napi::Env env = Env();
  Napi::HandleScope scope(env);
  // A local handle keeps this object alive even if a callback unrefs it.
  [[maybe_unused]] Napi::Object keepAlive = Value();

  // The buffer is ours, but JS could have transferred (detached) it.
  if (bufferRef_.Value().ByteLength() != batchSize_) {
    ReportError("batch buffer was detached");
    return;
  }

  std::string error;
  dispatching_ = true;
  for (int i = 0; i < kMaxDispatchPerWake && poll_ != nullptr; i++) {
    int n = pcap_dispatch(pcap_, -1, OnPacket, reinterpret_cast<u_char*>(this));
    if (n == PCAP_ERROR) {
      error = pcap_geterr(pcap_);
      break;
    }
    if (n <= 0) break;  // 0: nothing left; PCAP_ERROR_BREAK: stop() was called.
  }
  dispatching_ = false;

  if (poll_ == nullptr) {
    batchCount_ = 0;  // Stopped: what arrived after the stop is not delivered.
    batchUsed_ = 0;
  } else if (batchCount_ > 0) {
    Flush();
  }
  if (error.empty() && status < 0 && poll_ != nullptr) error = uv_strerror(status);
  if (!error.empty() && poll_ != nullptr) ReportError(error);
  if (closePending_) {
    closePending_ = false;
    ClosePcap();
  }
}

void PcapHandle::OnPacket(u_char* user, const struct pcap_pkthdr* hdr,
                          const u_char* bytes) {
  auto* self = reinterpret_cast<PcapHandle*>(user);
  if (self->poll_ == nullptr) return;  // stop() ran in a callback; breakloop is pending.
  // libpcap keeps caplen within the snapshot length, and open() checked that
  // a snapshot-sized record fits an empty batch; a record claiming more is
  // cut to the snapshot length rather than written past the batch buffer.
  uint32_t caplen = hdr->caplen < self->snapshot_ ? hdr->caplen : self->snapshot_;
  size_t need = kRecordHeader + ((static_cast<size_t>(caplen) + 3) & ~size_t{3});
  if (self->batchUsed_ + need > self->batchSize_) {
    self->Flush();
    if (self->poll_ == nullptr) return;
  }
  uint8_t* at = self->batch_ + self->batchUsed_;
  uint32_t header[4] = {
      static_cast<uint32_t>(hdr->ts.tv_sec),
      static_cast<uint32_t>(self->nano_ ? hdr->ts.tv_usec : hdr->ts.tv_usec * 1000),
      caplen,
      hdr->len,
  };
  std::memcpy(at, header, sizeof header);
  std::memcpy(at + kRecordHeader, bytes, caplen);
  self->batchUsed_ += need;
  self->batchCount_ += 1;
}

// Hands the batch to JS. Runs inside pcap_dispatch, so nothing may unwind
// through here: a throwing callback becomes an uncaught exception instead.
void PcapHandle::Flush() {
  uint32_t count = batchCount_;
  size_t used = batchUsed_;
  batchCount_ = 0;
  batchUsed_ = 0;
  if (onBatch_.IsEmpty()) return;
  Napi::Env env = Env();
  Napi::HandleScope scope(env);
  napi_value argv[2];
  if (napi_create_uint32(env, count, &argv[0]) != napi_ok || napi_create_double(env, static_cast<double>(used), &argv[1]) != napi_ok) {
    StopPolling();
    return;
  }
  Deliver(onBatch_.Value(), 2, argv);
}

// Calls fn in this handle's async context with raw N-API, so that a failed
// call constructs no Napi::Error: on a worker thread being terminated no JS
// can run, and building that error would abort the whole process. A callback
// that threw becomes an uncaught exception; a call that could not run at all
// (termination) only stops polling.
void PcapHandle::Deliver(napi_value fn, size_t argc, const napi_value* argv) {
  napi_env env = Env();
  napi_value result;
  if (napi_make_callback(env, *async_, Value(), fn, argc, argv, &result) == napi_ok) return;
  StopPolling();
  bool pending = false;
  napi_value exception;
  if (napi_is_exception_pending(env, &pending) != napi_ok || !pending) return;
  if (napi_get_and_clear_last_exception(env, &exception) != napi_ok) return;
  napi_valuetype type;
  if (napi_typeof(env, exception, &type) != napi_ok || type == napi_undefined) return;
  napi_fatal_exception(env, exception);
}

void PcapHandle::ReportError(const std::string& message) {
  Napi::Env env = Env();
  Napi::HandleScope scope(env);
  Napi::FunctionReference onError = std::move(onError_);
  StopPolling();
  if (onError.IsEmpty()) return;
  napi_value argv[2];
  if (napi_create_string_utf8(env, message.data(), message.size(), &argv[0]) != napi_ok || napi_create_string_utf8(env, "ERROR", NAPI_AUTO_LENGTH, &argv[1]) != napi_ok) return;
  Deliver(onError.Value(), 2, argv);
}
