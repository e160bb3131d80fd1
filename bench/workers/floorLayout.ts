/**
 * The shared words of the hardware-floor ping-pong (bench latency `floor`):
 * two threads and one Int32 word, no ring, no strategy. The one descriptor
 * of these words.
 *
 *   line 0 (bytes  0..63)  | ping i32 |      host stores 2k+1, worker answers 2k+2
 *   line 1 (bytes 64..127) | command i32 |   workerCommand.ts (park between rounds)
 */
export const FLOOR_PING_WORD = 0;
export const FLOOR_COMMAND_WORD = 16;
export const FLOOR_WORDS = 32;
