import { InputError } from "../cli/errors.ts";

/**
 * A recording that cannot be read or written. The message is one line that
 * names the file and where it broke ("data.rfr: truncated in block 3 at byte
 * 70312 (expected 4096 more bytes)"). Extends InputError so the CLI prints it
 * as `ringfence: <message>` and exits 1.
 */
export class RecordingError extends InputError {}
