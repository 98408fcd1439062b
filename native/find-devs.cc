#include "find-devs.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pcap/pcap.h>
#include <sys/socket.h>

#include <memory>
#include <string>

namespace {

// Numeric form of an IPv4 or IPv6 address; empty for other families
// (AF_PACKET link-layer entries), which callers skip.
std::string AddressText(const struct sockaddr* sa) {
  if (sa == nullptr) return "";
  char text[INET6_ADDRSTRLEN] = "";
  if (sa->sa_family == AF_INET) {
    const auto* in = reinterpret_cast<const struct sockaddr_in*>(sa);
    inet_ntop(AF_INET, &in->sin_addr, text, sizeof text);
  } else if (sa->sa_family == AF_INET6) {
    const auto* in6 = reinterpret_cast<const struct sockaddr_in6*>(sa);
    inet_ntop(AF_INET6, &in6->sin6_addr, text, sizeof text);
  }
  return text;
}

}  // namespace

// findAllDevs() -> [{ name, description, addresses: [{ addr, netmask }],
//                     flags: { up, running, loopback, wireless } }]
Napi::Value FindAllDevs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  char errbuf[PCAP_ERRBUF_SIZE];
  errbuf[0] = '\0';
  pcap_if_t* devs = nullptr;
  if (pcap_findalldevs(&devs, errbuf) < 0) {
    Napi::Error error = Napi::Error::New(env, errbuf);
    error.Set("code", Napi::String::New(env, "ERROR"));
    throw error;
  }
  // Freed however this function leaves, a JS exception from Set() included.
  std::unique_ptr<pcap_if_t, void (*)(pcap_if_t*)> owned(devs, pcap_freealldevs);
  Napi::Array result = Napi::Array::New(env);
  uint32_t n = 0;
  for (pcap_if_t* d = owned.get(); d != nullptr; d = d->next) {
    Napi::Object dev = Napi::Object::New(env);
    dev.Set("name", Napi::String::New(env, d->name));
    dev.Set("description", Napi::String::New(env, d->description ? d->description : ""));
    Napi::Array addresses = Napi::Array::New(env);
    uint32_t k = 0;
    for (pcap_addr_t* a = d->addresses; a != nullptr; a = a->next) {
      std::string addr = AddressText(a->addr);
      if (addr.empty()) continue;
      Napi::Object entry = Napi::Object::New(env);
      entry.Set("addr", Napi::String::New(env, addr));
      entry.Set("netmask", Napi::String::New(env, AddressText(a->netmask)));
      addresses.Set(k++, entry);
    }
    dev.Set("addresses", addresses);
    Napi::Object flags = Napi::Object::New(env);
    flags.Set("up", Napi::Boolean::New(env, (d->flags & PCAP_IF_UP) != 0));
    flags.Set("running", Napi::Boolean::New(env, (d->flags & PCAP_IF_RUNNING) != 0));
    flags.Set("loopback", Napi::Boolean::New(env, (d->flags & PCAP_IF_LOOPBACK) != 0));
    flags.Set("wireless", Napi::Boolean::New(env, (d->flags & PCAP_IF_WIRELESS) != 0));
    dev.Set("flags", flags);
    result.Set(n++, dev);
  }
  return result;
}
