/*
 * <conio.h>: the console's keyboard, which in ntlab is its input (see
 * stdio.h's stdin: ntlab's standard input, read whole first when it is
 * not a terminal). _kbhit is non-zero when a character can be read
 * without waiting (0 at the end of the input); _getch reads one (EOF at
 * the end), _getche echoes it too. From a terminal characters come a line
 * at a time, and the terminal itself echoes them.
 */
#ifndef NTLAB_CONIO_H
#define NTLAB_CONIO_H

int _kbhit(void);
int _getch(void);
int _getche(void);
int _putch(int c);
#define kbhit  _kbhit
#define getch  _getch
#define getche _getche
#define putch  _putch

#endif
