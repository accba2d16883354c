/*
 * pricing: a JSON order in, a JSON price breakdown out (docs/samples.md).
 * Phase 1 checks syntax; phase 2 walks the order in document order, and the first violation
 * wins. Money is integer cents in uint64_t, so no floating point is involved.
 */
#include "../common/json.h"
#include "../common/writer.h"
#include "twinplug.h"

#define MALFORMED_JSON (-2)
#define INVALID_ORDER (-3)
#define TOO_MANY_ITEMS (-4)
#define UNKNOWN_COUPON (-5)

#define MAX_ITEMS 1000
#define MAX_SKU 32
#define MAX_QTY 10000
#define MAX_UNIT_CENTS 100000000

typedef enum { COUPON_NONE, COUPON_SAVE10, COUPON_FLAT500 } coupon_kind;

typedef struct {
    json_bytes sku;
    uint64_t qty;
    uint64_t unit_cents;
} line_item;

typedef struct {
    uint64_t subtotal;
    coupon_kind coupon;
} order;

const char *TP_CALL PluginInfo(void)
{
    return "{\"name\":\"pricing\",\"version\":\"1.0.0\",\"abi\":1,"
           "\"description\":\"Prices a JSON order in integer cents\"}";
}

static int read_sku(json_cursor *c, json_bytes *sku)
{
    if (json_peek(c) != JSON_STRING)
        return 0;
    *sku = json_string(c);
    if (sku->len < 1 || sku->len > MAX_SKU)
        return 0;
    for (uint32_t i = 0; i < sku->len; i++) {
        uint8_t b = sku->p[i];
        int ok = (b >= 'A' && b <= 'Z') || (b >= 'a' && b <= 'z') || (b >= '0' && b <= '9') ||
                 b == '_' || b == '.' || b == '-';
        if (!ok)
            return 0;
    }
    return 1;
}

/* A JSON integer (no sign, fraction or exponent) in min..max. Max has at most 9 digits. */
static int read_int(json_cursor *c, uint64_t min, uint64_t max, uint64_t *value)
{
    json_bytes n;
    if (json_peek(c) != JSON_NUMBER)
        return 0;
    n = json_number(c);
    if (n.len > 9)
        return 0;
    *value = 0;
    for (uint32_t i = 0; i < n.len; i++) {
        if (n.p[i] < '0' || n.p[i] > '9') /* '-', '.', 'e', 'E' */
            return 0;
        *value = *value * 10 + (uint64_t)(n.p[i] - '0');
    }
    return *value >= min && *value <= max;
}

/* One element of items: an object with sku, qty and unit_cents, each exactly once. */
static int32_t walk_item(json_cursor *c, line_item *item)
{
    int have_sku = 0, have_qty = 0, have_unit = 0;
    if (json_peek(c) != JSON_OBJECT)
        return INVALID_ORDER;
    json_enter(c);
    while (json_next(c)) {
        json_bytes key = json_key(c);
        if (json_bytes_eq(key, "sku")) {
            if (have_sku++ || !read_sku(c, &item->sku))
                return INVALID_ORDER;
        } else if (json_bytes_eq(key, "qty")) {
            if (have_qty++ || !read_int(c, 1, MAX_QTY, &item->qty))
                return INVALID_ORDER;
        } else if (json_bytes_eq(key, "unit_cents")) {
            if (have_unit++ || !read_int(c, 0, MAX_UNIT_CENTS, &item->unit_cents))
                return INVALID_ORDER;
        } else {
            json_skip(c);
        }
    }
    return have_sku && have_qty && have_unit ? TP_OK : INVALID_ORDER;
}

static void write_line(writer *w, const line_item *item, uint64_t line_cents, int first)
{
    if (!first)
        writer_byte(w, ',');
    writer_str(w, "{\"sku\":\"");
    writer_bytes(w, item->sku.p, item->sku.len);
    writer_str(w, "\",\"qty\":");
    writer_u64(w, item->qty);
    writer_str(w, ",\"unit_cents\":");
    writer_u64(w, item->unit_cents);
    writer_str(w, ",\"line_cents\":");
    writer_u64(w, line_cents);
    writer_byte(w, '}');
}

/* The items array; each line goes to w when w is not NULL. */
static int32_t walk_items(json_cursor *c, order *o, writer *w)
{
    uint32_t count = 0;
    if (json_peek(c) != JSON_ARRAY)
        return INVALID_ORDER;
    json_enter(c);
    while (json_next(c)) {
        line_item item = {{0, 0}, 0, 0};
        int32_t rc;
        if (count == MAX_ITEMS)
            return TOO_MANY_ITEMS;
        rc = walk_item(c, &item);
        if (rc != TP_OK)
            return rc;
        o->subtotal += item.qty * item.unit_cents;
        if (w)
            write_line(w, &item, item.qty * item.unit_cents, count == 0);
        count++;
    }
    return TP_OK;
}

static int32_t read_coupon(json_cursor *c, order *o)
{
    json_bytes code;
    if (json_peek(c) != JSON_STRING)
        return INVALID_ORDER;
    code = json_string(c);
    if (json_bytes_eq(code, "SAVE10"))
        o->coupon = COUPON_SAVE10;
    else if (json_bytes_eq(code, "FLAT500"))
        o->coupon = COUPON_FLAT500;
    else
        return UNKNOWN_COUPON;
    return TP_OK;
}

/* The schema walk over syntax-checked input. */
static int32_t walk_order(const uint8_t *in, uint32_t in_len, order *o, writer *w)
{
    json_cursor c;
    int have_items = 0, have_coupon = 0;
    json_init(&c, in, in_len);
    if (json_peek(&c) != JSON_OBJECT)
        return INVALID_ORDER;
    json_enter(&c);
    while (json_next(&c)) {
        json_bytes key = json_key(&c);
        int32_t rc = TP_OK;
        if (json_bytes_eq(key, "items"))
            rc = have_items++ ? INVALID_ORDER : walk_items(&c, o, w);
        else if (json_bytes_eq(key, "coupon"))
            rc = have_coupon++ ? INVALID_ORDER : read_coupon(&c, o);
        else
            json_skip(&c);
        if (rc != TP_OK)
            return rc;
    }
    return have_items ? TP_OK : INVALID_ORDER;
}

static uint64_t discount_cents(const order *o)
{
    uint64_t coupon = 0, volume = 0, total;
    if (o->coupon == COUPON_SAVE10)
        coupon = o->subtotal * 10 / 100;
    else if (o->coupon == COUPON_FLAT500)
        coupon = o->subtotal < 500 ? o->subtotal : 500;
    if (o->subtotal >= 100000)
        volume = o->subtotal * 5 / 100;
    total = coupon + volume;
    return total < o->subtotal ? total : o->subtotal;
}

int32_t TP_CALL ProcessData(const uint8_t *in, uint32_t in_len, uint8_t *out, uint32_t out_cap,
                            uint32_t *out_len)
{
    order o = {0, COUPON_NONE};
    writer w;
    uint64_t discount;
    int32_t rc;

    if (!json_valid(in, in_len))
        return MALFORMED_JSON;
    rc = walk_order(in, in_len, &o, 0);
    if (rc != TP_OK)
        return rc;
    discount = discount_cents(&o);

    /* Second walk of the now-known-good order, this time writing the lines. */
    writer_init(&w, out, out_cap);
    writer_str(&w, "{\"lines\":[");
    o.subtotal = 0;
    walk_order(in, in_len, &o, &w);
    writer_str(&w, "],\"subtotal_cents\":");
    writer_u64(&w, o.subtotal);
    writer_str(&w, ",\"discount_cents\":");
    writer_u64(&w, discount);
    writer_str(&w, ",\"total_cents\":");
    writer_u64(&w, o.subtotal - discount);
    writer_byte(&w, '}');
    return writer_finish(&w, out_len);
}
