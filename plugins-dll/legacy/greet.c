/*
 * greet: a legacy flat-C library whose function returns a string it allocated, which the caller
 * hands back to GreetFree. Greet("Ada") is "Hello, Ada!"; an empty name is "Hello, stranger!".
 * Its Wasm port is greet-port.c. Also Upper, a string-buffer function with a capacity argument.
 */
#include <stdlib.h>
#include <string.h>

#if defined(_WIN32)
#define LEGACY_EXPORT __declspec(dllexport)
#else
#define LEGACY_EXPORT __attribute__((visibility("default")))
#endif

static int outstanding = 0;

static void outstanding_text(char *text)
{
    int n = outstanding, digits = 1;
    for (int rest = n / 10; rest > 0; rest /= 10)
        digits++;
    text[digits] = 0;
    for (int i = digits - 1; i >= 0; i--, n /= 10)
        text[i] = (char)('0' + n % 10);
}

/* "?outstanding" is the number of strings handed out and not freed yet: the tests check none leak. */
LEGACY_EXPORT char *Greet(const char *name)
{
    if (strcmp(name, "?outstanding") == 0) {
        char *text = malloc(16);
        if (text == NULL)
            return NULL;
        outstanding_text(text);
        outstanding++;
        return text;
    }
    const char *who = name[0] == 0 ? "stranger" : name;
    size_t len = strlen(who);
    char *text = malloc(len + 9);
    if (text == NULL)
        return NULL;
    memcpy(text, "Hello, ", 7);
    memcpy(text + 7, who, len);
    memcpy(text + 7 + len, "!", 2);
    outstanding++;
    return text;
}

LEGACY_EXPORT void GreetFree(char *text)
{
    if (text != NULL)
        outstanding--;
    free(text);
}

/* 0 with out NUL-terminated; -3 when out_cap cannot hold it. */
LEGACY_EXPORT int Upper(const char *in, char *out, int out_cap)
{
    size_t len = strlen(in);
    if ((size_t)out_cap < len + 1)
        return -3;
    for (size_t i = 0; i <= len; i++)
        out[i] = (char)(in[i] >= 'a' && in[i] <= 'z' ? in[i] - ('a' - 'A') : in[i]);
    return 0;
}
