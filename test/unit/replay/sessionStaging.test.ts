// The staging directory a recorded run's workers write into (SESSION.tmp-PID)
// never outlives a session that is not written, whatever refuses it.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { discardSessionStaging, sessionCaptureDir, writeSession } from "../../../host/replay/session.ts";

const root = mkdtempSync(join(tmpdir(), "rf-staging-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe("session staging", () => {
  it("a session whose name was taken during the run is refused, and its captures go with the refusal", () => {
    const dir = join(root, "taken");
    const captures = sessionCaptureDir(dir);
    writeFileSync(join(captures, "s0.i0.audit"), "partial");
    mkdirSync(dir); // another run took the name meanwhile
    expect(() => writeSession(dir, {} as Parameters<typeof writeSession>[1])).toThrow(/session '.*taken' already exists; choose a new name/);
    expect(readdirSync(root).filter((f) => f.includes(".tmp-"))).toEqual([]);
  });

  it("discardSessionStaging removes what sessionCaptureDir made; sessionCaptureDir starts empty", () => {
    const dir = join(root, "dropped");
    const captures = sessionCaptureDir(dir);
    writeFileSync(join(captures, "stale"), "x");
    expect(readdirSync(sessionCaptureDir(dir))).toEqual([]);
    discardSessionStaging(dir);
    expect(existsSync(captures)).toBe(false);
    expect(readdirSync(root).filter((f) => f.includes(".tmp-"))).toEqual([]);
  });
});
