/**
 * The events a feed thread publishes, in order: a recording held whole, or
 * a recording file read a block at a time (memory flat in its length).
 * `available(next)` says how many events from `next` on are in `words`
 * (starting at record `next - base`), reading the next block when the
 * current one is used up; the caller copies them out (the ring's publish
 * does) before asking again. Every block is checked before it is handed
 * out; a problem further into a file is the reader's RecordingError then.
 */
import { createHash } from "node:crypto";
import { EVENT_RECORD_WORDS } from "../abi/eventRecord.ts";
import type { InstrumentSpec } from "./instrument.ts";
import { checkRecordingFile, type Recording } from "./recording.ts";
import { RecordingError } from "./recordingError.ts";
import { RECORDS_PER_BLOCK_MAX } from "./recordingFormat.ts";
import { RecordingReader } from "./recordingReader.ts";

export interface EventFeed {
  readonly instruments: readonly InstrumentSpec[];
  /** Events in all. */
  readonly total: number;
  /** Holds event `base` at record 0. */
  readonly words: Int32Array;
  readonly base: number;
  /** Events in `words` from `next` on (next ≥ base); 0 only at the end. */
  available(next: number): number;
  /**
   * After the last event: reads on to a file's trailer, which checks its
   * event count and digest (the reader's RecordingError if they do not
   * hold: a trailer that under-counts stopped the feed short).
   */
  finish(next: number): void;
  /**
   * With `digestPublished`: the SHA-256 (hex) of the records handed to
   * published() so far — what a session's copy of the feed must equal.
   */
  publishedSha256(): string;
  /** Records `count` events from `next` on went out (only hashed, with digestPublished). */
  published(next: number, count: number): void;
}

export interface EventFeedOptions {
  /**
   * Hash what published() is told went out (a --record run of a file: its
   * session copies the events from the file again, and must find the same ones).
   */
  readonly digestPublished?: boolean;
  /** Runs before a block is read over `words` (a runner copies what its venue still reads from them). */
  readonly beforeRefill?: () => void;
}

/** The feed of `src`. */
export function eventFeed(src: Recording | RecordingReader, o: EventFeedOptions = {}): EventFeed {
  const hash = o.digestPublished === true ? createHash("sha256") : null;
  const published = (words: Int32Array, at: number, count: number): void => {
    hash?.update(new Uint8Array(words.buffer, words.byteOffset + at * 4, count * EVENT_RECORD_WORDS * 4));
  };
  const publishedSha256 = (): string => {
    if (hash === null) throw new Error("eventFeed: made without digestPublished");
    return hash.copy().digest("hex");
  };
  if (!(src instanceof RecordingReader)) {
    return {
      instruments: src.header.instruments, total: src.count, words: src.events, base: 0,
      available: (next) => src.count - next,
      finish: () => {},
      published: (next, count) => published(src.events, next * EVENT_RECORD_WORDS, count),
      publishedSha256,
    };
  }
  const total = src.claimedEvents();
  if (total < 0) {
    // Its trailer does not hold: read it through for the reader's own line naming where it breaks.
    checkRecordingFile(src.name);
    throw new RecordingError(`${src.name}: its trailer does not hold`);
  }
  const feed = {
    instruments: src.header.instruments,
    total,
    words: new Int32Array(RECORDS_PER_BLOCK_MAX * EVENT_RECORD_WORDS),
    base: 0,
    end: 0,
    available(next: number): number {
      // Reads on (past any events skipped) to the block holding `next`.
      while (next >= feed.end) {
        o.beforeRefill?.();
        const n = src.readBlock(feed.words, 0);
        if (n === 0) return 0;
        feed.base = feed.end;
        feed.end += n;
      }
      return feed.end - next;
    },
    finish(next: number): void {
      // Past the count the trailer claims, the reader's own trailer check says what is wrong.
      for (let at = next; feed.available(at) > 0; at = feed.end);
    },
    published: (next: number, count: number) => published(feed.words, (next - feed.base) * EVENT_RECORD_WORDS, count),
    publishedSha256,
  };
  return feed;
}

/**
 * Events of a recording file visited in increasing index order (gaps
 * allowed), a block at a time: what replay needs to re-execute an instance
 * over the events its worker consumed. `at(e)` is the word offset of event
 * `e` in `words`, which hold a block of the file's eventFeed; `beforeRefill`
 * runs before a block is read over them.
 */
export class FeedCursor {
  private readonly reader: RecordingReader;
  private readonly feed: EventFeed;

  constructor(path: string, beforeRefill: () => void) {
    this.reader = RecordingReader.openFile(path);
    try {
      this.feed = eventFeed(this.reader, { beforeRefill });
    } catch (e) {
      this.reader.close();
      throw e;
    }
  }

  get words(): Int32Array {
    return this.feed.words;
  }

  at(e: number): number {
    if (e < this.feed.base) throw new RangeError(`FeedCursor: event ${e} is behind the cursor (${this.feed.base})`);
    if (this.feed.available(e) === 0) throw new RecordingError(`${this.reader.name}: holds no event ${e}`);
    return (e - this.feed.base) * EVENT_RECORD_WORDS;
  }

  close(): void {
    this.reader.close();
  }
}
