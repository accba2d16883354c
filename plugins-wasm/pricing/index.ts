// pricing: a JSON order in, a JSON price breakdown out, all in integer cents (docs/samples.md).
import { definePluginInfo } from "../../pdk/assemblyscript";
import { isValidJson, JsonCursor } from "../common/json";
import { OutputWriter } from "../../pdk/assemblyscript";
import { Coupon, Order, OrderReader } from "./order";

export { alloc, dealloc, PluginInfo } from "../../pdk/assemblyscript";

const MALFORMED_JSON: i32 = -2;
const VOLUME_THRESHOLD_CENTS: u64 = 100000;

definePluginInfo("pricing", "1.0.0", "Prices a JSON order in integer cents");

export function ProcessData(
  inPtr: usize,
  inLen: u32,
  outPtr: usize,
  outCap: u32,
  outLenPtr: usize,
): i32 {
  // Syntax of the whole input first, so a late syntax error beats an early schema error.
  if (!isValidJson(inPtr, inLen)) return MALFORMED_JSON;
  const reader = new OrderReader(JsonCursor.over(inPtr, inLen));
  const error = reader.read();
  if (error != 0) return error;
  const out = new OutputWriter(outPtr, outCap);
  writeBreakdown(out, reader.order);
  return out.finish(outLenPtr);
}

function couponDiscount(coupon: Coupon, subtotal: u64): u64 {
  if (coupon == Coupon.Save10) return subtotal * 10 / 100;
  if (coupon == Coupon.Flat500) return min<u64>(500, subtotal);
  return 0;
}

function volumeDiscount(subtotal: u64): u64 {
  return subtotal >= VOLUME_THRESHOLD_CENTS ? subtotal * 5 / 100 : 0;
}

function writeBreakdown(out: OutputWriter, order: Order): void {
  let subtotal: u64 = 0;
  out.ascii('{"lines":[');
  for (let i = 0; i < order.lines.length; i++) {
    const line = order.lines[i];
    const lineCents = line.qty * line.unitCents;
    subtotal += lineCents;
    if (i > 0) out.byte(0x2c /* , */);
    out.ascii('{"sku":"');
    out.bytes(line.skuPtr, line.skuLen);
    out.ascii('","qty":');
    out.decimal(line.qty);
    out.ascii(',"unit_cents":');
    out.decimal(line.unitCents);
    out.ascii(',"line_cents":');
    out.decimal(lineCents);
    out.byte(0x7d /* } */);
  }
  const discount = min(subtotal, couponDiscount(order.coupon, subtotal) + volumeDiscount(subtotal));
  out.ascii('],"subtotal_cents":');
  out.decimal(subtotal);
  out.ascii(',"discount_cents":');
  out.decimal(discount);
  out.ascii(',"total_cents":');
  out.decimal(subtotal - discount);
  out.byte(0x7d /* } */);
}
