/*
 * Output for ProcessData: writes at most out_cap bytes but keeps counting, so the plugin can
 * report the exact size it needs (TP_BUFFER_TOO_SMALL) after one pass. No libc.
 */
#ifndef TP_WRITER_H
#define TP_WRITER_H

#include <stdint.h>

/* len ends as the size needed, whether or not it fit. */
typedef struct {
    uint8_t *buf;
    uint32_t cap;
    uint64_t len;
} writer;

void writer_init(writer *w, uint8_t *buf, uint32_t cap);
void writer_byte(writer *w, uint8_t b);
void writer_bytes(writer *w, const uint8_t *p, uint32_t n);
void writer_str(writer *w, const char *s);
void writer_u64(writer *w, uint64_t v);
/* The ProcessData result: TP_OK, or TP_BUFFER_TOO_SMALL with *out_len = bytes needed. */
int32_t writer_finish(const writer *w, uint32_t *out_len);

#endif /* TP_WRITER_H */
