/** The metering rewrite cannot process a module. Message is one line, no stack worth showing. */
export class MeteringError extends Error {
  override name = "MeteringError";
}
