#include "fanout.h"

#ifdef __linux__

#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_packet.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>
#include <map>
#include <mutex>

namespace {

// Ids tried after the hashed one before giving up on a derived group.
constexpr int kDerivedTries = 64;

// EtherType of the probe socket: IEEE 802 local experimental, so the probe
// receives nothing while it exists.
constexpr uint16_t kProbeProtocol = 0x88b5;

// Derived groups of this process by interface: the id and how many open
// sockets are in it. Shared by every thread (and so every worker's addon
// instance) of the process, which is what puts the workers in one group.
struct Derived {
  uint16_t id;
  int members;
};
std::mutex derivedLock;
std::map<std::string, Derived> derived;

const char* ModeName(FanoutMode mode) {
  switch (mode) {
    case FanoutMode::kHash: return "hash";
    case FanoutMode::kLb: return "lb";
    case FanoutMode::kCpu: return "cpu";
  }
  return "?";
}

// The PACKET_FANOUT argument: id, type, and defragmentation for the hash so
// that every fragment of a datagram goes where its flow goes.
int FanoutArg(uint16_t id, FanoutMode mode) {
  switch (mode) {
    case FanoutMode::kHash: return id | ((PACKET_FANOUT_HASH | PACKET_FANOUT_FLAG_DEFRAG) << 16);
    case FanoutMode::kLb: return id | (PACKET_FANOUT_LB << 16);
    case FanoutMode::kCpu: return id | (PACKET_FANOUT_CPU << 16);
  }
  return id;
}

// Whether fanout group `id` exists in this network namespace. The kernel
// offers no query, so a probe socket asks to found it as a random-mode group
// on no interface: an existing group of any other mode, flags or interface
// refuses it (EINVAL); otherwise the probe founds it, and closing the probe
// removes it again. Sets *error when the probe itself cannot run.
bool GroupExists(uint16_t id, std::string* error) {
  int probe = socket(AF_PACKET, SOCK_RAW, htons(kProbeProtocol));
  if (probe < 0) {
    *error = std::string("cannot probe fanout groups: ") + std::strerror(errno);
    return false;
  }
  int arg = id | (PACKET_FANOUT_RND << 16);
  bool exists = setsockopt(probe, SOL_PACKET, PACKET_FANOUT, &arg, sizeof arg) < 0 && errno == EINVAL;
  close(probe);
  return exists;
}

// The first id to try for `iface` in this process: FNV-1a of the name and the pid.
uint16_t HashedId(const std::string& iface) {
  uint32_t h = 2166136261u;
  auto mix = [&h](uint8_t byte) {
    h ^= byte;
    h *= 16777619u;
  };
  for (char c : iface) mix(static_cast<uint8_t>(c));
  uint32_t pid = static_cast<uint32_t>(getpid());
  for (int i = 0; i < 4; i++) mix(static_cast<uint8_t>(pid >> (8 * i)));
  return static_cast<uint16_t>(h ^ (h >> 16));
}

// One line for a refused PACKET_FANOUT, in words.
std::string JoinError(int err, uint16_t id, FanoutMode mode) {
  std::string what = std::string("cannot join packet fanout group ") + std::to_string(id) + " in " +
                     ModeName(mode) + " mode: ";
  switch (err) {
    case EINVAL: return what + "the group is in use on this host with another mode or on another interface";
    case ENOSPC: return what + "the group is full";
    case ENOPROTOOPT: return what + "this kernel has no packet fanout (it needs Linux 3.1 or later)";
    case ENOMEM: return what + "the kernel is out of memory";
    default: return what + std::strerror(err);
  }
}

std::string Join(int fd, uint16_t id, FanoutMode mode) {
  int arg = FanoutArg(id, mode);
  if (setsockopt(fd, SOL_PACKET, PACKET_FANOUT, &arg, sizeof arg) < 0) return JoinError(errno, id, mode);
  return "";
}

}  // namespace

std::string JoinFanout(int fd, const std::string& iface, int32_t group, FanoutMode mode, uint16_t* joined) {
  if (group >= 0) {
    *joined = static_cast<uint16_t>(group);
    return Join(fd, *joined, mode);
  }
  std::lock_guard<std::mutex> hold(derivedLock);
  auto found = derived.find(iface);
  if (found != derived.end()) {
    std::string error = Join(fd, found->second.id, mode);
    if (error.empty()) {
      found->second.members++;
      *joined = found->second.id;
    }
    return error;
  }
  uint16_t id = HashedId(iface);
  for (int i = 0; i < kDerivedTries; i++, id++) {
    std::string error;
    bool taken = GroupExists(id, &error);
    if (!error.empty()) return error;
    if (taken) continue;
    error = Join(fd, id, mode);
    if (error.empty()) {
      derived[iface] = {id, 1};
      *joined = id;
    }
    return error;
  }
  return "cannot find a free packet fanout group id for " + iface;
}

void LeaveDerivedFanout(const std::string& iface) {
  std::lock_guard<std::mutex> hold(derivedLock);
  auto found = derived.find(iface);
  if (found != derived.end() && --found->second.members == 0) derived.erase(found);
}

#else

std::string JoinFanout(int, const std::string&, int32_t, FanoutMode, uint16_t*) {
  return "packet fanout (several capture workers on one interface) is Linux only";
}

void LeaveDerivedFanout(const std::string&) {}

#endif

bool ParseFanoutMode(const std::string& text, FanoutMode* mode) {
  if (text == "hash") *mode = FanoutMode::kHash;
  else if (text == "lb") *mode = FanoutMode::kLb;
  else if (text == "cpu") *mode = FanoutMode::kCpu;
  else return false;
  return true;
}
