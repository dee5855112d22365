/*
 * What the example programs (the scenarios' programs) share: opening their
 * driver's device by its Win32 name.
 */
#ifndef USER_PROGRAMS_LESSON_H
#define USER_PROGRAMS_LESSON_H

#include <stdio.h>
#include <windows.h>

/* Opens \\.\name for reading and writing; on failure prints
 * "program: cannot open \\.\name: error N" and returns
 * INVALID_HANDLE_VALUE. */
static inline HANDLE OpenLessonDevice(const char *program, const char *name)
{
    char path[64];
    HANDLE device;

    snprintf(path, sizeof path, "\\\\.\\%s", name);
    device = CreateFileA(path, GENERIC_READ | GENERIC_WRITE, 0, NULL,
                         OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL, NULL);
    if (device == INVALID_HANDLE_VALUE)
        printf("%s: cannot open %s: error %u\n", program, path,
               (unsigned)GetLastError());
    return device;
}

#endif
