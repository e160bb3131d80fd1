import { expect } from "vitest";
import { CompileError } from "../../../host/compiler/compileStrategy.ts";

/** The CompileError `p` rejects with (the test fails if it resolves or rejects with anything else). */
export async function compileError(p: Promise<unknown>): Promise<CompileError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(CompileError);
    return e as CompileError;
  }
  throw new Error("expected a CompileError");
}
