// pcap_findalldevs as a JS array of plain objects.
#pragma once

#include <napi.h>

Napi::Value FindAllDevs(const Napi::CallbackInfo& info);
