/**
 * Every rejection reason code admission can return: stable snake_case ids,
 * part of the public contract (CLI output, --json, the upload service).
 * Never rename one; add new ones at the end of their group. docs/admission.md
 * describes each, and test/unit/admission/verify.test.ts has one test per code.
 */
import { RefusedFeature } from "./features.ts";

export const AdmissionCode = {
  // The bytes as a whole.
  emptyModule: "empty_module",
  moduleTooLarge: "module_too_large",
  notWasm: "not_wasm",
  unsupportedVersion: "unsupported_version",
  truncated: "truncated",
  invalid: "invalid",
  // Imports.
  importNotFunction: "import_not_function",
  importNamespace: "import_namespace",
  unknownImport: "unknown_import",
  importSignature: "import_signature",
  tooManyImports: "too_many_imports",
  // Exports.
  missingExport: "missing_export",
  exportSignature: "export_signature",
  missingMemoryExport: "missing_memory_export",
  reservedExport: "reserved_export",
  tooManyExports: "too_many_exports",
  // Memory.
  noMemory: "no_memory",
  memoryTooLarge: "memory_too_large",
  dataOutOfBounds: "data_out_of_bounds",
  elementOutOfBounds: "element_out_of_bounds",
  // Sizes.
  tooManyFunctions: "too_many_functions",
  tooManyLocals: "too_many_locals",
  tooManyParams: "too_many_params",
  tooManyGlobals: "too_many_globals",
  tooManyTableElements: "too_many_table_elements",
  tooManyDataSegments: "too_many_data_segments",
  dataTooLarge: "data_too_large",
  tooManyTypes: "too_many_types",
  tooManyResults: "too_many_results",
  functionTooLarge: "function_too_large",
  tooManyLocalsTotal: "too_many_locals_total",
  // A bug in admission itself (never expected): still a rejection, never a throw.
  internal: "internal",
} as const;

/** All codes, feature refusals included (see features.ts). */
export const ALL_ADMISSION_CODES: readonly string[] = Object.freeze([
  ...Object.values(AdmissionCode),
  ...Object.values(RefusedFeature),
]);
