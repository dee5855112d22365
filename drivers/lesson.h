/*
 * What the example drivers (the scenarios' drivers) print about where each
 * of their routines runs, in one line that the tour shows and the
 * scenarios check:
 *
 *   kmcall: dispatch routine: process kmcall.exe (PID 24), thread 28, IRQL 0 (PASSIVE_LEVEL)
 *
 * A driver defines LESSON_DRIVER (its name) before including this file,
 * then calls LessonWhere("dispatch routine") at the top of a routine.
 * DbgPrint may be called at any IRQL, so this works in DPCs and ISRs too;
 * the process it names there is whatever process was current: arbitrary.
 */
#ifndef DRIVERS_LESSON_H
#define DRIVERS_LESSON_H

#include <ntddk.h>

#ifndef LESSON_DRIVER
#error "define LESSON_DRIVER (the driver's name) before including lesson.h"
#endif

static inline const char *LessonIrqlName(KIRQL Irql)
{
    switch (Irql) {
    case PASSIVE_LEVEL:
        return "PASSIVE_LEVEL";
    case APC_LEVEL:
        return "APC_LEVEL";
    case DISPATCH_LEVEL:
        return "DISPATCH_LEVEL";
    default:
        return "DIRQL";
    }
}

/* The process named is the one whose user half is mapped: the attached
 * one in a thread attached by KeStackAttachProcess (PsGetCurrentProcess),
 * where PsGetCurrentProcessId would still give the thread's own. */
static inline VOID LessonWhere(const char *Routine)
{
    KIRQL Irql = KeGetCurrentIrql();
    PEPROCESS Process = PsGetCurrentProcess();

    DbgPrint("%s: %s: process %s (PID %u), thread %u, IRQL %u (%s)\n",
             LESSON_DRIVER, Routine, PsGetProcessImageFileName(Process),
             (ULONG)(ULONG_PTR)PsGetProcessId(Process),
             (ULONG)(ULONG_PTR)PsGetCurrentThreadId(), (ULONG)Irql,
             LessonIrqlName(Irql));
}

#endif
