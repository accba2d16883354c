import type { Arbitrary } from 'fast-check';
import type { FastCheckApi, Grammar } from '../grammar.js';
import { JSON_SPACES, type JsonDoc, raw, renderJson, str } from './json-doc.js';
import { malformed } from './malformed.js';

type Field = (fc: FastCheckApi, dirty: boolean) => Arbitrary<JsonDoc>;

const SKU_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-'.split('');
/** Integers that overflow 32 or 64 bits into something small, and other near misses. */
const NEAR_MISSES = [
  '0',
  '-1',
  '-0',
  '2.0',
  '2e0',
  '1.5',
  '1e400',
  '4294967297',
  '18446744073709551617',
  '100000000000000000000000',
  '"2"',
  'null',
  'true',
  '[]',
  '{}',
];

/** Mostly valid values, with a few (1 in 12) invalid ones when the order is dirty. */
function mix(
  fc: FastCheckApi,
  dirty: boolean,
  valid: Arbitrary<JsonDoc>,
  invalid: Arbitrary<JsonDoc>,
) {
  return dirty
    ? fc.oneof({ weight: 11, arbitrary: valid }, { weight: 1, arbitrary: invalid })
    : valid;
}

const sku: Field = (fc, dirty) =>
  mix(
    fc,
    dirty,
    fc.string({ unit: fc.constantFrom(...SKU_CHARS), minLength: 1, maxLength: 32 }).map(str),
    fc.oneof(
      fc.constantFrom('""', '"A B"', '"A/1"', '"\\u0041"', '"A\\"1"', '"é1"', '7', 'null').map(raw),
      fc.string({ unit: fc.constantFrom(...SKU_CHARS), minLength: 33, maxLength: 40 }).map(str),
    ),
  );

const qty: Field = (fc, dirty) =>
  mix(
    fc,
    dirty,
    fc
      .oneof(
        fc.integer({ min: 1, max: 12 }),
        fc.constantFrom(1, 9999, 10000),
        fc.integer({ min: 1, max: 10000 }),
      )
      .map((n) => raw(String(n))),
    fc.constantFrom('10001', ...NEAR_MISSES).map(raw),
  );

const unitCents: Field = (fc, dirty) =>
  mix(
    fc,
    dirty,
    fc
      .oneof(
        fc.integer({ min: 0, max: 2500 }),
        fc.constantFrom(0, 1, 499, 500, 501, 99999, 100000, 100001, 99999999, 100000000),
        fc.integer({ min: 0, max: 100000000 }),
      )
      .map((n) => raw(String(n))),
    fc.constantFrom('100000001', ...NEAR_MISSES).map(raw),
  );

/** Any small JSON value, as the value of a key the plugin ignores. */
const ignored = (fc: FastCheckApi) =>
  fc.oneof(
    { weight: 1, arbitrary: fc.json({ maxDepth: 1 }).map(raw) },
    { weight: 3, arbitrary: fc.constantFrom('"\\u00e9\\n"', '[[[]]]', '-1.5e-3', 'true').map(raw) },
  );

/** Keys in any order; when dirty, one may be missing, repeated, or spelled with an escape. */
function entries(
  fc: FastCheckApi,
  dirty: boolean,
  fields: readonly (readonly [string, Arbitrary<JsonDoc>])[],
): Arbitrary<(readonly [string, JsonDoc])[]> {
  const extra = fc.tuple(fc.constantFrom('note', 'id', 'x', 's\\u006bu'), ignored(fc));
  const base = fc.tuple(...fields.map(([key, value]) => value.map((doc) => [key, doc] as const)));
  const change = dirty ? fc.nat(8) : fc.constant(0);
  return fc
    .tuple(base, fc.array(extra, { maxLength: 2 }), change, fc.nat())
    .chain(([known, extras, which, at]) => {
      const list: (readonly [string, JsonDoc])[] = [...known];
      if (which === 1) list.splice(at % list.length, 1);
      if (which === 2) list.push(list[at % list.length]!);
      list.push(...extras);
      return fc.shuffledSubarray(list, { minLength: list.length, maxLength: list.length });
    });
}

function item(fc: FastCheckApi, dirty: boolean): Arbitrary<JsonDoc> {
  const object = entries(fc, dirty, [
    ['sku', sku(fc, dirty)],
    ['qty', qty(fc, dirty)],
    ['unit_cents', unitCents(fc, dirty)],
  ]).map((list) => ({ object: list }));
  return dirty
    ? fc.oneof(
        { weight: 30, arbitrary: object },
        { weight: 1, arbitrary: fc.constantFrom('[]', '"A1"', 'null', '1').map(raw) },
      )
    : object;
}

const COUPONS = ['"SAVE10"', '"FLAT500"'];
const BAD_COUPONS = [
  '"SAVE1"',
  '"save10"',
  '"SAVE100"',
  '""',
  '"SAVE\\u0031\\u0030"',
  '10',
  'null',
  '[]',
];

/** ~1000 items around the limit of 1000, copies of one item, maybe one odd item among them. */
function manyItems(fc: FastCheckApi, dirty: boolean): Arbitrary<JsonDoc[]> {
  return fc
    .tuple(
      item(fc, false),
      fc.constantFrom(999, 1000, 1001, 1002),
      fc.option(item(fc, dirty)),
      fc.nat(1001),
    )
    .map(([template, count, odd, at]) => {
      const list = Array.from({ length: count }, () => template);
      if (odd !== null) list[at % count] = odd;
      return list;
    });
}

function order(fc: FastCheckApi, dirty: boolean, maxSize: number): Arbitrary<JsonDoc> {
  const few = fc.array(item(fc, dirty), {
    maxLength: Math.max(0, Math.min(40, Math.floor(maxSize / 64))),
  });
  const items =
    maxSize >= 64 * 1024
      ? fc.oneof({ weight: 30, arbitrary: few }, { weight: 1, arbitrary: manyItems(fc, dirty) })
      : few;
  const itemsDoc = mix(
    fc,
    dirty,
    items.map((list) => ({ array: list })),
    fc.constantFrom('{}', '"items"', 'null').map(raw),
  );
  const coupon = mix(
    fc,
    dirty,
    fc.constantFrom(...COUPONS).map(raw),
    fc.constantFrom(...BAD_COUPONS).map(raw),
  );
  const root = fc
    .tuple(entries(fc, dirty, [['items', itemsDoc]]), fc.option(coupon, { freq: 2 }))
    .map(
      ([list, couponDoc]): JsonDoc => ({
        object: couponDoc === null ? list : [...list, ['coupon', couponDoc]],
      }),
    );
  return dirty
    ? fc.oneof(
        { weight: 30, arbitrary: root },
        { weight: 1, arbitrary: fc.constantFrom('[]', '1', '"order"').map(raw) },
      )
    : root;
}

const encoder = new TextEncoder();

/**
 * JSON orders for the pricing sample (docs/samples.md): clean orders, orders with schema
 * errors (bad or missing fields, duplicate keys, unknown coupons, 32/64-bit overflows), orders
 * of ~1000 items when the budget is at least 64 KiB, and malformed JSON.
 */
export const pricingOrderGrammar: Grammar = {
  name: 'pricing-order',
  description:
    'JSON orders for pricing: 5 in 12 clean, 4 in 12 with schema errors, 3 in 12 malformed',
  inputs: (fc, { maxSize }) => {
    const render = (doc: Arbitrary<JsonDoc>) =>
      fc
        .tuple(doc, fc.array(fc.constantFrom(...JSON_SPACES), { maxLength: 6 }))
        .map(([value, spaces]) => encoder.encode(renderJson(value, spaces)));
    const clean = render(order(fc, false, maxSize));
    const dirty = render(order(fc, true, maxSize));
    return fc.oneof(
      { weight: 5, arbitrary: clean },
      { weight: 4, arbitrary: dirty },
      { weight: 3, arbitrary: malformed(fc, fc.oneof(clean, dirty)) },
    );
  },
};
