/** The function imports of a module (test helper, via WebAssembly.Module.imports). */
export function moduleImports(bytes: Uint8Array): { module: string; name: string; kind: string }[] {
  return WebAssembly.Module.imports(new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>));
}
