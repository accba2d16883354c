// Reads an order from JSON that passed the syntax check: the schema walk of docs/samples.md,
// in document order, where the first violation wins.
import { JsonCursor, JsonKind } from "../common/json";

export const INVALID_ORDER: i32 = -3;
export const TOO_MANY_ITEMS: i32 = -4;
export const UNKNOWN_COUPON: i32 = -5;

const MAX_ITEMS: i32 = 1000;
const MAX_SKU_LENGTH: u32 = 32;
const MAX_QTY: u32 = 10000;
const MAX_UNIT_CENTS: u32 = 100000000;

export const enum Coupon {
  None,
  Save10,
  Flat500,
}

/** One element of `items`; the SKU stays in the input memory, which outlives the call. */
export class OrderLine {
  constructor(
    public skuPtr: usize,
    public skuLen: u32,
    public qty: u64,
    public unitCents: u64,
  ) {}
}

export class Order {
  lines: OrderLine[] = [];
  coupon: Coupon = Coupon.None;
}

function isSkuByte(c: u8): bool {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) ||
    c == 0x5f || c == 0x2e || c == 0x2d; // _ . -
}

/** Walks the document once, filling `order`; each method returns 0 or the first error code. */
export class OrderReader {
  readonly order: Order = new Order();

  constructor(private cursor: JsonCursor) {}

  read(): i32 {
    const c = this.cursor;
    if (c.kind() != JsonKind.Object) return INVALID_ORDER;
    let seenItems = false;
    let seenCoupon = false;
    c.enter();
    while (c.next()) {
      c.key();
      let error = 0;
      if (c.spanIs("items")) {
        if (seenItems) return INVALID_ORDER;
        seenItems = true;
        error = this.items();
      } else if (c.spanIs("coupon")) {
        if (seenCoupon) return INVALID_ORDER;
        seenCoupon = true;
        error = this.coupon();
      } else {
        c.skip();
      }
      if (error != 0) return error;
    }
    return seenItems ? 0 : INVALID_ORDER;
  }

  private items(): i32 {
    const c = this.cursor;
    if (c.kind() != JsonKind.Array) return INVALID_ORDER;
    let count = 0;
    c.enter();
    while (c.next()) {
      if (count == MAX_ITEMS) return TOO_MANY_ITEMS;
      const error = this.item();
      if (error != 0) return error;
      count++;
    }
    return 0;
  }

  private item(): i32 {
    const c = this.cursor;
    if (c.kind() != JsonKind.Object) return INVALID_ORDER;
    let sku = false, qty = false, unitCents = false;
    let skuPtr: usize = 0, skuLen: u32 = 0, qtyValue: i64 = 0, unitValue: i64 = 0;
    c.enter();
    while (c.next()) {
      c.key();
      if (c.spanIs("sku")) {
        if (sku || c.kind() != JsonKind.String) return INVALID_ORDER;
        c.string();
        if (!this.isSku()) return INVALID_ORDER;
        sku = true;
        skuPtr = c.spanPtr;
        skuLen = c.spanLen;
      } else if (c.spanIs("qty")) {
        if (qty) return INVALID_ORDER;
        qtyValue = this.integer(MAX_QTY);
        if (qtyValue < 1) return INVALID_ORDER;
        qty = true;
      } else if (c.spanIs("unit_cents")) {
        if (unitCents) return INVALID_ORDER;
        unitValue = this.integer(MAX_UNIT_CENTS);
        if (unitValue < 0) return INVALID_ORDER;
        unitCents = true;
      } else {
        c.skip();
      }
    }
    // Missing keys are checked sku, qty, unit_cents; all three give the same code.
    if (!sku || !qty || !unitCents) return INVALID_ORDER;
    this.order.lines.push(new OrderLine(skuPtr, skuLen, <u64>qtyValue, <u64>unitValue));
    return 0;
  }

  private coupon(): i32 {
    const c = this.cursor;
    if (c.kind() != JsonKind.String) return INVALID_ORDER;
    c.string();
    if (c.spanIs("SAVE10")) this.order.coupon = Coupon.Save10;
    else if (c.spanIs("FLAT500")) this.order.coupon = Coupon.Flat500;
    else return UNKNOWN_COUPON;
    return 0;
  }

  /** The value as an integer in 0..max, or -1 when it is anything else. */
  private integer(max: u32): i64 {
    const c = this.cursor;
    if (c.kind() != JsonKind.Number) return -1;
    c.number();
    return c.spanInteger(max);
  }

  private isSku(): bool {
    const c = this.cursor;
    if (c.spanLen < 1 || c.spanLen > MAX_SKU_LENGTH) return false;
    for (let i: u32 = 0; i < c.spanLen; i++) {
      if (!isSkuByte(load<u8>(c.spanPtr + <usize>i))) return false;
    }
    return true;
  }
}
