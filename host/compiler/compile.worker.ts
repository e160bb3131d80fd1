/**
 * One AssemblyScript compile in a child process of its own, started by
 * compileWorker.ts with a deadline after which it is killed (asc runs
 * synchronously for as long as a source makes it: on the main thread no
 * timer could stop it). A fresh process per compile: nothing one compile
 * does to the compiler's module-level state — or to V8, whose heap death is
 * fatal to the whole process — can reach anything else. The request comes
 * as the first IPC message; the outcome goes back as one.
 */
import { compileRequest } from "./compileRequest.ts";
import type { CompileRequest } from "./compileMessages.ts";

process.once("message", (request: CompileRequest) => {
  void compileRequest(request).then((outcome) => process.send!(outcome, () => process.disconnect()));
});
