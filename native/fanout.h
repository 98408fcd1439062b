// Linux PACKET_FANOUT: several capture sockets on one interface sharing its packets.
#pragma once

#include <cstdint>
#include <string>

// How the kernel picks the member socket of a packet.
enum class FanoutMode {
  kHash,  // symmetric flow hash, IP fragments reassembled first: a flow stays on one member
  kLb,    // round robin
  kCpu,   // the CPU that received the packet
};

// Parses "hash", "lb" or "cpu"; false for anything else.
bool ParseFanoutMode(const std::string& text, FanoutMode* mode);

// Joins packet socket `fd`, bound to `iface`, to fanout `group` (0..65535),
// or, when `group` is negative, to the group this process uses for `iface`
// (the first such member picks an id no other socket on the host uses).
// Returns "" and sets *joined, or one line saying why not.
std::string JoinFanout(int fd, const std::string& iface, int32_t group, FanoutMode mode, uint16_t* joined);

// Counts one member of the process's derived group of `iface` as gone; call
// after its socket is closed. The last one forgets the id.
void LeaveDerivedFanout(const std::string& iface);
