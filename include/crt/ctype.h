/* The character classes a driver may call (see string.h): ASCII only. */
#ifndef NTLAB_CRT_CTYPE_H
#define NTLAB_CRT_CTYPE_H

int isupper(int c);
int islower(int c);
int isdigit(int c);
int isalpha(int c);
int isalnum(int c);
int isprint(int c);
int isspace(int c);
int isxdigit(int c);
int toupper(int c);
int tolower(int c);

#endif
