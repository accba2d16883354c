/*
 * stats: integers in, a JSON summary out (docs/samples.md). A C plugin written against a real
 * libc: malloc for the numbers, qsort for the median and p90, snprintf for the output, printf
 * for its log. One source builds natively (cc) and to wasm32-wasi (clang with wasi-libc).
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TWINPLUG_HOST_IMPLEMENTATION /* defines twinplug_set_host natively */
#include "twinplug.h"

#define INVALID_NUMBER (-2)
#define NO_NUMBERS (-3)
#define TOO_MANY_NUMBERS (-4)
#define OUT_OF_MEMORY (-5)

#define MAX_NUMBERS 100000u
#define MAX_DIGITS 12

/*
 * One log line per call. On Wasm, printf writes to WASI stdout, which the host turns into the
 * plugin's log, one line per record; a native library's stdout would be the host process's own,
 * so the native build formats the same line and hands it to tp_log. Both give the same record.
 */
static void say(const char *format, ...)
{
    va_list args;
    va_start(args, format);
#if defined(__wasi__)
    vprintf(format, args);
    fflush(stdout);
#else
    char line[256];
    int n = vsnprintf(line, sizeof line, format, args);
    if (n > 0) {
        uint32_t len = (uint32_t)n < sizeof line ? (uint32_t)n : (uint32_t)sizeof line - 1;
        if (len > 0 && line[len - 1] == '\n')
            len--;
        tp_log(TP_LOG_INFO, line, len);
    }
#endif
    va_end(args);
}

const char *TP_CALL PluginInfo(void)
{
    return "{\"name\":\"stats\",\"version\":\"1.0.0\",\"abi\":1,"
           "\"description\":\"count, min, max, sum, median and p90 of a list of integers\"}";
}

static int is_separator(uint8_t b)
{
    return b == ' ' || b == '\t' || b == '\n' || b == '\r' || b == ',';
}

/* Parses every number of the input into *numbers (malloc'd); returns the count or an error. */
static int64_t parse(const uint8_t *in, uint32_t len, int64_t **numbers)
{
    uint32_t count = 0, cap = 0, i = 0;
    int64_t *list = NULL;
    while (i < len) {
        if (is_separator(in[i])) {
            i++;
            continue;
        }
        int negative = in[i] == '-';
        if (negative)
            i++;
        uint32_t start = i, digits = 0;
        int64_t value = 0;
        while (i < len && in[i] >= '0' && in[i] <= '9' && digits < MAX_DIGITS + 1)
            value = value * 10 + (in[i++] - '0'), digits++;
        if (i == start || digits > MAX_DIGITS || (i < len && !is_separator(in[i]))) {
            free(list);
            return INVALID_NUMBER;
        }
        if (count == MAX_NUMBERS) {
            free(list);
            return TOO_MANY_NUMBERS;
        }
        if (count == cap) {
            cap = cap ? cap * 2 : 64;
            int64_t *grown = realloc(list, cap * sizeof *list);
            if (!grown) {
                free(list);
                return OUT_OF_MEMORY;
            }
            list = grown;
        }
        list[count++] = negative ? -value : value;
    }
    *numbers = list;
    return count;
}

static int compare(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

int32_t TP_CALL ProcessData(const uint8_t *in, uint32_t in_len, uint8_t *out, uint32_t out_cap,
                            uint32_t *out_len)
{
    int64_t *numbers = NULL;
    int64_t count = parse(in, in_len, &numbers);
    if (count < 0)
        return (int32_t)count;
    if (count == 0)
        return NO_NUMBERS;
    qsort(numbers, (size_t)count, sizeof *numbers, compare);
    int64_t sum = 0;
    for (int64_t i = 0; i < count; i++)
        sum += numbers[i];
    int64_t median = numbers[(count - 1) / 2];
    int64_t p90 = numbers[(9 * count + 9) / 10 - 1];
    char text[256];
    int n = snprintf(text, sizeof text,
                     "{\"count\":%" PRId64 ",\"min\":%" PRId64 ",\"max\":%" PRId64
                     ",\"sum\":%" PRId64 ",\"median\":%" PRId64 ",\"p90\":%" PRId64 "}",
                     count, numbers[0], numbers[count - 1], sum, median, p90);
    free(numbers);
    *out_len = (uint32_t)n;
    if (out_cap < (uint32_t)n)
        return TP_BUFFER_TOO_SMALL;
    memcpy(out, text, (size_t)n);
    say("stats: %" PRId64 " numbers, median %" PRId64 "\n", count, median);
    return TP_OK;
}
