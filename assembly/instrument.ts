// Static facts about an instrument: price and quantity precision, symbol.

import { HostStatus, INSTRUMENT_INFO_BYTES, InstrumentInfoOffset, RECORD_ALIGN, SYMBOL_BYTES } from "./abi";
import * as host from "./bindings";

// InstrumentInfo (abi.ts InstrumentInfoOffset, host/abi/guestRecords.ts), 32 bytes:
//   0 priceDecimals u32 | 4 qtyDecimals u32 | 8 reserved u32 | 12 reserved u32 | 16 symbol: 16 bytes ASCII, NUL-padded
const INFO: usize = memory.data(INSTRUMENT_INFO_BYTES, RECORD_ALIGN);
let infoKnown: bool = false;

@final @unmanaged
export class InstrumentInfoView {
  /** False when the host did not know the instrument (every field then reads 0). */
  @inline get known(): bool { return infoKnown; }
  /** A price of p ticks is p / 10^priceDecimals in quote currency. */
  @inline get priceDecimals(): u32 { return load<u32>(INFO, InstrumentInfoOffset.priceDecimals); }
  /** A quantity of q lots is q / 10^qtyDecimals units. */
  @inline get qtyDecimals(): u32 { return load<u32>(INFO, InstrumentInfoOffset.qtyDecimals); }
  /** Byte i (0..15) of the NUL-padded ASCII symbol; 0 past its end. */
  symbolByte(i: i32): u8 {
    return <u32>i < <u32>SYMBOL_BYTES ? load<u8>(INFO + InstrumentInfoOffset.symbol + <usize>i) : 0;
  }
}

/** Reads `instrument`'s InstrumentInfo (instrument_info). No allocation. */
export function instrumentInfo(instrument: u32): InstrumentInfoView {
  infoKnown = host.instrumentInfo(instrument, INFO) == HostStatus.Ok;
  if (!infoKnown) memory.fill(INFO, 0, INSTRUMENT_INFO_BYTES);
  return changetype<InstrumentInfoView>(INFO);
}
