/**
 * Piscina worker for uploads: the whole admission pipeline of
 * host/sandbox/preparedModule.ts (verify, then the metering rewrite, then a
 * WebAssembly compile of the metered module) off the server's event loop.
 * A module that verifies but cannot be metered is rejected like any other.
 */
import { sandboxLimits } from "../../sandbox/limits.ts";
import { AdmissionRejected, prepareModule } from "../../sandbox/preparedModule.ts";
import { errorLine } from "../../text/printable.ts";
import type { AdmitResult, AdmitTask } from "./admitTask.ts";
import { createHash } from "node:crypto";

const limits = sandboxLimits();

export default function admit(task: AdmitTask): AdmitResult {
  try {
    const p = prepareModule(task.bytes, limits, task.label);
    return {
      admitted: true, codeId: p.codeId, reasons: [], notes: p.notes, meteredBytes: p.meteredBytes.length,
      module: task.wantModule === true ? p.module : undefined,
    };
  } catch (e) {
    if (e instanceof AdmissionRejected) return { admitted: false, codeId: e.codeId, reasons: e.reasons, notes: [], meteredBytes: 0 };
    const codeId = createHash("sha256").update(task.bytes).digest("hex");
    const message = errorLine(e);
    return { admitted: false, codeId, reasons: [{ code: "metering_failed", message: `the module verified but could not be metered: ${message}` }], notes: [], meteredBytes: 0 };
  }
}
