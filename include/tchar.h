/*
 * tchar.h: the generic-text names of the C runtime. _UNICODE (or UNICODE)
 * would make them wide; ntlab's user runtime has only the narrow C
 * routines, so it has the narrow mapping and refuses _UNICODE.
 */
#ifndef NTLAB_TCHAR_H
#define NTLAB_TCHAR_H

#include <windows.h>

#ifdef _UNICODE
#error "ntlab's C runtime has no wide printf or string routines (_UNICODE)"
#endif

typedef char _TCHAR;
#define _T(s)    s
#define _TEXT(s) s
#define _tmain   main
#define _tprintf printf
#define _stprintf sprintf
#define _tcslen  strlen
#define _tcscpy  strcpy
#define _tcscat  strcat
#define _tcscmp  strcmp

#endif
