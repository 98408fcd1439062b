// switchUser: --run-as on Linux, keeping the capture capabilities that
// Node's process.setuid would clear.
#pragma once

#include <napi.h>

// Adds switchUser to `exports` on Linux; adds nothing elsewhere, where JS
// switches user with process.setuid.
void RegisterPrivileges(Napi::Env env, Napi::Object exports);
