/*
 * Security: privileges. ntlab models no security descriptors or access
 * checks (a handle gets the access asked for); what it has is the
 * privilege a few services require. Each process holds a set of
 * privileges, all enabled: the System process holds every one; a process
 * started from the command line holds those given with --privilege (none
 * by default); any other process holds its creator's.
 */
#ifndef NT_SE_H
#define NT_SE_H

#include <nt/ntdef.h>

typedef struct _LUID {
    ULONG LowPart;
    LONG HighPart;
} LUID, *PLUID;

/* NT's privilege values (the LowPart of the privilege's LUID). */
#define SE_LOAD_DRIVER_PRIVILEGE 10L

FORCEINLINE LUID RtlConvertLongToLuid(LONG Long)
{
    LUID luid = {(ULONG)Long, Long < 0 ? -1 : 0};

    return luid;
}

/*
 * TRUE when a caller of PreviousMode holds the privilege: always for
 * KernelMode; for UserMode, when the current process holds it (NtLoadDriver
 * and NtUnloadDriver ask for SE_LOAD_DRIVER_PRIVILEGE). PASSIVE_LEVEL.
 */
_IRQL_requires_max_(PASSIVE_LEVEL)
NTKERNELAPI BOOLEAN NTAPI SeSinglePrivilegeCheck(LUID PrivilegeValue,
                                                 KPROCESSOR_MODE PreviousMode);

#endif
