// adviseHugePages: lets the kernel back a large ArrayBuffer with transparent huge pages.
#pragma once

#include <napi.h>

// Adds adviseHugePages to `exports`.
void RegisterHugePages(Napi::Env env, Napi::Object exports);
