/*
 * The program's entry point: the first thread starts here (through
 * RtlUserThreadStart, with the PEB), which builds argc and argv from the
 * command line, calls main, and ends the process with what it returns.
 * Arguments are split at spaces; double quotes group, as on Windows.
 */
#include <ntdll.h>
#include <stdlib.h>

int main(int argc, char **argv);

/* The kernel enters user mode at these (found by name in the image): the
 * table keeps them in every program. */
__attribute__((used)) static const PVOID entry_points[] = {
    (PVOID)RtlUserThreadStart, (PVOID)KiUserExceptionDispatcher,
    (PVOID)KiUserApcDispatcher};
ULONG NTAPI _start(PVOID argument);

/* Splits text (modified in place) into at most max arguments. */
static int split(char *text, char **argv, int max)
{
    int argc = 0;
    char *out = text;

    while (*text != '\0' && argc < max) {
        BOOLEAN quoted = FALSE;

        while (*text == ' ' || *text == '\t')
            text++;
        if (*text == '\0')
            break;
        argv[argc++] = out;
        for (; *text != '\0' && (quoted || (*text != ' ' && *text != '\t'));
             text++) {
            if (*text == '"')
                quoted = !quoted;
            else
                *out++ = *text;
        }
        if (*text != '\0')
            text++;
        *out++ = '\0';
    }
    argv[argc] = NULL;
    return argc;
}

ULONG NTAPI _start(PVOID argument)
{
    PPEB peb = argument;
    const UNICODE_STRING *line = &peb->ProcessParameters->CommandLine;
    ULONG n = line->Length / sizeof(WCHAR), i;
    char *text = malloc(n + 1);
    char **argv = malloc(sizeof(char *) * (n / 2 + 2));
    int argc = 0;

    if (text != NULL && argv != NULL) {
        for (i = 0; i < n; i++)
            text[i] = line->Buffer[i] < 0x100 ? (char)line->Buffer[i] : '?';
        text[n] = '\0';
        argc = split(text, argv, (int)(n / 2 + 1));
    }
    exit(main(argc, argv));
}
