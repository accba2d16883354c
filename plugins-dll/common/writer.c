/* See writer.h. */
#include "writer.h"

#include "twinplug.h"

void writer_init(writer *w, uint8_t *buf, uint32_t cap)
{
    w->buf = buf;
    w->cap = cap;
    w->len = 0;
}

void writer_byte(writer *w, uint8_t b)
{
    if (w->len < w->cap)
        w->buf[w->len] = b;
    w->len++;
}

void writer_bytes(writer *w, const uint8_t *p, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++)
        writer_byte(w, p[i]);
}

void writer_str(writer *w, const char *s)
{
    for (; *s; s++)
        writer_byte(w, (uint8_t)*s);
}

void writer_u64(writer *w, uint64_t v)
{
    uint8_t digits[20];
    uint32_t n = 0;
    do {
        digits[n++] = (uint8_t)('0' + v % 10);
        v /= 10;
    } while (v);
    while (n)
        writer_byte(w, digits[--n]);
}

int32_t writer_finish(const writer *w, uint32_t *out_len)
{
    /* A size beyond 4 GiB cannot be reported exactly; the largest one tells the host to give up. */
    *out_len = w->len > 0xFFFFFFFFu ? 0xFFFFFFFFu : (uint32_t)w->len;
    return w->len > w->cap ? TP_BUFFER_TOO_SMALL : TP_OK;
}
