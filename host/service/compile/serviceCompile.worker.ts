/**
 * The service's compile worker: the compiler's own (host/compiler/
 * compile.worker.ts), under the name `ringfence serve` and the service's
 * tests start it by. The compiler reads only the uploaded source and the
 * SDK (host/compiler/sourceReader.ts); the worker has no other input.
 */
import "../../compiler/compile.worker.ts";
