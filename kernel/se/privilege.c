/*
 * Privilege checks (include/nt/se.h): a process's privileges are the set
 * Ps gave it at creation (EPROCESS.Privileges).
 */
#include "../ps/ps.h"

BOOLEAN NTAPI SeSinglePrivilegeCheck(LUID PrivilegeValue,
                                     KPROCESSOR_MODE PreviousMode)
{
    if (PreviousMode == KernelMode)
        return TRUE;
    if (PrivilegeValue.HighPart != 0 || PrivilegeValue.LowPart >= 32)
        return FALSE;
    return (PsGetCurrentProcess()->Privileges &
            (1u << PrivilegeValue.LowPart)) != 0;
}
