// AssemblyScript's global `abort` (failed assert, bounds check, explicit
// abort()) is redirected here by the build flag `--use
// abort=~lib/ringfence/abort/ringfenceAbort` (asconfig.json), so a module
// imports `ringfence.abort` instead of `env.abort` and nothing outside the
// `ringfence` namespace.
//
// The host receives the two AssemblyScript string pointers as they are
// (UTF-16LE, byte length in the u32 just before the pointer; 0 for null) and
// decodes them itself: converting here would allocate on a path that may be
// running out of memory.

import * as host from "./bindings";

export function ringfenceAbort(
  message: string | null = null,
  fileName: string | null = null,
  lineNumber: u32 = 0,
  columnNumber: u32 = 0,
): void {
  host.abort(changetype<usize>(message), changetype<usize>(fileName), lineNumber, columnNumber);
  // The host never returns from abort (the strategy faults); make sure of it.
  unreachable();
}
