/* greet.h: the vendor header that comes with greet.dll. */
#ifndef GREET_H
#define GREET_H

#ifdef __cplusplus
extern "C" {
#endif

/* "Hello, <name>!", allocated: hand it back to GreetFree. */
char *Greet(const char *name);
void GreetFree(char *text);
/* Upper-cases in into out (out_cap bytes with the NUL); 0 on success. */
int Upper(const char *in, char *out, int out_cap);

#ifdef __cplusplus
}
#endif

#endif
