// disableInspectorSignal: keeps SIGUSR1 from opening the V8 inspector.
#pragma once

#include <napi.h>

// Adds disableInspectorSignal to `exports`.
void RegisterInspectorSignal(Napi::Env env, Napi::Object exports);
