/**
 * Debian's chromium for the browser tests, driven by playwright-core (which
 * never downloads a browser of its own). A test skips only on a dev machine
 * without chromium; in CI (`.ci/run` installs it) a missing browser fails.
 */
import { existsSync } from "node:fs";
import { chromium, type BrowserContext } from "playwright-core";

export const CHROMIUM = process.env.RINGFENCE_CHROMIUM ?? "/usr/bin/chromium";
export const IN_CI = process.env.CI !== undefined && process.env.CI !== "" && process.env.CI !== "false" && process.env.CI !== "0";
export const HAVE_CHROMIUM = existsSync(CHROMIUM);
/** Headless as root, and no background traffic: this machine's network is closed. */
const ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];

/** True when the suite must skip; says so once, naming the test file. */
export function skipWithoutChromium(testFile: string): boolean {
  const skip = !HAVE_CHROMIUM && !IN_CI;
  if (skip) console.warn(`[browser] SKIPPED ${testFile}: no chromium at ${CHROMIUM} (apt-get install chromium, or set RINGFENCE_CHROMIUM); in CI this test fails instead`);
  return skip;
}

/** A fresh headless profile in profileDir; throws a clear error when chromium is missing (CI). */
export async function launchChromium(profileDir: string, viewport: { width: number; height: number }): Promise<BrowserContext> {
  if (!HAVE_CHROMIUM) throw new Error(`chromium is missing at ${CHROMIUM}: .ci/run must install Debian's chromium (this test never skips in CI)`);
  return chromium.launchPersistentContext(profileDir, { executablePath: CHROMIUM, headless: true, args: ARGS, viewport });
}
