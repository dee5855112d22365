/* The conversions a driver may call (see string.h). Memory comes from the
 * pools (ExAllocatePool2 ...), not malloc, which drivers do not have. */
#ifndef NTLAB_CRT_STDLIB_H
#define NTLAB_CRT_STDLIB_H

#include <stddef.h>

unsigned long strtoul(const char *s, char **end, int base);
long strtol(const char *s, char **end, int base);
int atoi(const char *s);
long atol(const char *s);

#endif
