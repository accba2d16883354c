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

LEGACY_EXPORT char *Greet(const char *name)
{
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

/* Strings Greet returned that were not freed yet: the tests check none leak. */
LEGACY_EXPORT int GreetOutstanding(void) { return outstanding; }

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
