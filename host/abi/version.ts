/** Guest ABI version. A module exports `rf_abi_version() -> i32` returning this. */
export const ABI_VERSION = 1;
/** The single import namespace. Nothing else may be imported. */
export const IMPORT_NAMESPACE = "ringfence";
/**
 * Prefix reserved for names the metering rewrite adds (fuel, depth, fault
 * globals). Admission rejects modules that already export such names.
 */
export const RESERVED_PREFIX = "__rf_";
