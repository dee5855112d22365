/*
 * The checks of the win32_* test programs. A program defines PROGRAM (its
 * name) and includes this after <windows.h> and <stdio.h>; a check that
 * fails prints its number, its text and GetLastError(), and makes the
 * function return the number (the program's exit status).
 */
#ifndef WIN32_CHECK_H
#define WIN32_CHECK_H

#define CHECK(n, c)                                                         \
    do {                                                                    \
        if (!(c)) {                                                         \
            printf("%s: check %d failed: %s (last error %u)\n", PROGRAM, n, \
                   #c, GetLastError());                                     \
            return n;                                                       \
        }                                                                   \
    } while (0)

/* Checks that call returned failure and set the last error to error. */
#define FAILS(n, call, failure, error) \
    CHECK(n, (call) == (failure) && GetLastError() == (error))

#endif
