/*
 * The run command and the --driver files (run.c).
 */
#ifndef KERNEL_RUN_H
#define KERNEL_RUN_H

#include <ntddk.h>

/* Loads each boot module of modules (drivers, "name.sys") in turn; 0, or
 * 2 after a line naming the first that failed. PASSIVE_LEVEL. */
int run_load_drivers(const char *const *modules, ULONG count);
/* Unloads them, the last first. */
void run_unload_drivers(const char *const *modules, ULONG count);
/* Prints the loaded driver images with their address ranges; 0. */
int run_list_modules(void);
/* Starts the program command_line's first word names with command_line,
 * waits for it and reports its exit status to the platform
 * (hal_program_exited). Returns ntlab's status: 0 when the program ran to
 * its end, whatever its status; 2 when it could not start. */
int run_program(const char *command_line);

#endif
