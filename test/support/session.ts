// Sessions as tests tamper with them.
import { sealSession } from "../../host/replay/sessionSeal.ts";

/**
 * Rewrites a session's SHA256SUMS after a test edited its files, as an
 * author who rewrites the seal would: the edit then gets past the seal (the
 * session's digest is no longer the one printed when it was recorded) and
 * must be caught by what replay checks after it.
 */
export function reseal(dir: string): void {
  sealSession(dir);
}
