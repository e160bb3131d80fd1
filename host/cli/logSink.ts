import type { LogSink } from "../engine/strategyRunner.ts";

const LEVELS = ["debug", "info", "warn", "error"];

/** Strategy logs to stderr, one sanitised line each (a guest cannot forge lines or escapes). */
export const stderrLogSink: LogSink = (strategy, level, timeNs, text) => {
  const clean = text.replace(/[^\x20-\x7e]/g, "?");
  process.stderr.write(`[${strategy}] ${LEVELS[level] ?? level} t=${timeNs}: ${clean}\n`);
};
