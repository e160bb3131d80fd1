/**
 * Loads every corpus file of a directory (sorted by name, so case order and
 * therefore a campaign's output are the same on every machine).
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { CORPUS_EXTENSIONS, parseCorpusFile, type BaseResolver } from "./corpusFile.ts";
import type { FuzzCase } from "./fuzzCase.ts";

/** Throws a one-line Error naming the first bad file. */
export function loadCorpus(dir: string, bases: BaseResolver, defaultNeighbours: number): FuzzCase[] {
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => CORPUS_EXTENSIONS.some((e) => n.endsWith(e))).sort();
  } catch (e) {
    throw new Error(`cannot read corpus directory ${dir}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  return names.map((n) => parseCorpusFile(n, readFileSync(join(dir, n), "utf8"), bases, defaultNeighbours));
}
