/*
 * Waiting on objects by handle: NtWaitForSingleObject and
 * NtWaitForMultipleObjects. The handles are looked up (SYNCHRONIZE access)
 * and referenced for the length of the wait; the wait itself is the
 * kernel's, in the caller's previous mode, so that a user-mode alertable
 * wait ends for a user APC.
 */
#include "ob.h"

#include "../ke/ke.h"
#include "../mm/mm.h"

/* Reads a timeout (may be NULL: none) for the previous mode. */
static NTSTATUS capture_timeout(PLARGE_INTEGER timeout, KPROCESSOR_MODE mode,
                                LARGE_INTEGER *copy, PLARGE_INTEGER *use)
{
    NTSTATUS status = STATUS_SUCCESS;

    *use = NULL;
    if (timeout != NULL)
        status = mm_capture(mode, timeout, sizeof *copy, sizeof(ULONG), copy);
    if (timeout != NULL && NT_SUCCESS(status))
        *use = copy;
    return status;
}

/* The dispatcher object a wait on object waits for, or NULL. */
static PVOID waitable(PVOID object)
{
    LONG offset = ob_type_of(object)->info.wait_offset;

    return offset < 0 ? NULL : (PUCHAR)object + offset;
}

NTSTATUS NTAPI NtWaitForSingleObject(HANDLE Handle, BOOLEAN Alertable,
                                     PLARGE_INTEGER Timeout)
{
    KPROCESSOR_MODE mode = ExGetPreviousMode();
    LARGE_INTEGER copy;
    PLARGE_INTEGER timeout;
    PVOID object;
    NTSTATUS status = capture_timeout(Timeout, mode, &copy, &timeout);

    if (!NT_SUCCESS(status))
        return status;
    status = ObReferenceObjectByHandle(Handle, SYNCHRONIZE, NULL, mode, &object,
                                       NULL);
    if (!NT_SUCCESS(status))
        return status;
    if (waitable(object) == NULL)
        status = STATUS_OBJECT_TYPE_MISMATCH;
    else
        status = KeWaitForSingleObject(waitable(object), UserRequest, mode,
                                       Alertable, timeout);
    ObDereferenceObject(object);
    return status;
}

/* What a multiple wait holds while it waits. */
typedef struct multi_wait {
    HANDLE handles[MAXIMUM_WAIT_OBJECTS];
    PVOID objects[MAXIMUM_WAIT_OBJECTS];
    PVOID waits[MAXIMUM_WAIT_OBJECTS];
    KWAIT_BLOCK blocks[MAXIMUM_WAIT_OBJECTS];
} multi_wait;

/* References every object; for WaitAll an object twice is refused. */
static NTSTATUS reference_all(multi_wait *w, ULONG count, WAIT_TYPE type,
                              KPROCESSOR_MODE mode, ULONG *referenced)
{
    NTSTATUS status = STATUS_SUCCESS;
    ULONG i, j;

    for (i = 0; i < count && NT_SUCCESS(status); i++) {
        status = ObReferenceObjectByHandle(w->handles[i], SYNCHRONIZE, NULL,
                                           mode, &w->objects[i], NULL);
        if (!NT_SUCCESS(status))
            break;
        *referenced = i + 1;
        w->waits[i] = waitable(w->objects[i]);
        if (w->waits[i] == NULL)
            status = STATUS_OBJECT_TYPE_MISMATCH;
        for (j = 0; j < i && type == WaitAll && NT_SUCCESS(status); j++) {
            if (w->waits[j] == w->waits[i])
                status = STATUS_INVALID_PARAMETER_MIX;
        }
    }
    return status;
}

NTSTATUS NTAPI NtWaitForMultipleObjects(ULONG Count, HANDLE Handles[],
                                        WAIT_TYPE WaitType, BOOLEAN Alertable,
                                        PLARGE_INTEGER Timeout)
{
    KPROCESSOR_MODE mode = ExGetPreviousMode();
    LARGE_INTEGER copy;
    PLARGE_INTEGER timeout;
    ULONG referenced = 0, i;
    multi_wait *w;
    NTSTATUS status;

    if (Count == 0 || Count > MAXIMUM_WAIT_OBJECTS)
        return STATUS_INVALID_PARAMETER_1;
    if (WaitType != WaitAll && WaitType != WaitAny)
        return STATUS_INVALID_PARAMETER_3;
    status = capture_timeout(Timeout, mode, &copy, &timeout);
    if (!NT_SUCCESS(status))
        return status;
    w = ExAllocatePoolWithTag(NonPagedPool, sizeof *w, 'tWbO');
    if (w == NULL)
        return STATUS_INSUFFICIENT_RESOURCES;
    status = mm_capture(mode, Handles, Count * sizeof(HANDLE), sizeof(ULONG),
                        w->handles);
    if (NT_SUCCESS(status))
        status = reference_all(w, Count, WaitType, mode, &referenced);
    if (NT_SUCCESS(status))
        status =
            KeWaitForMultipleObjects(Count, w->waits, WaitType, UserRequest,
                                     mode, Alertable, timeout, w->blocks);
    for (i = 0; i < referenced; i++)
        ObDereferenceObject(w->objects[i]);
    ExFreePoolWithTag(w, 'tWbO');
    return status;
}
