/*
 * The configuration manager (Cm), private interface: the registry's keys
 * (include/nt/cm.h says how much of it there is).
 *
 * A key is an object of type Key in the object namespace: the services
 * key's path is a chain of object directories made at boot, and a
 * service's key is a permanent Key object named in the last of them. A
 * key's values are a list in paged pool, guarded by one fast mutex for
 * all keys.
 */
#ifndef KERNEL_CM_H
#define KERNEL_CM_H

#include <ntddk.h>

/* Makes the Key type and the services key's directories (boot, after
 * ob_init). */
void cm_init(void);

/*
 * The string value (REG_SZ or REG_EXPAND_SZ) named value of the key at
 * path (a full name), copied into paged pool (free with ob_free_name).
 * STATUS_OBJECT_NAME_NOT_FOUND when the key or the value is not there,
 * STATUS_OBJECT_TYPE_MISMATCH when the value is not a string. PASSIVE_LEVEL.
 */
NTSTATUS cm_query_string(const UNICODE_STRING *path, const WCHAR *value,
                         UNICODE_STRING *result);

#endif
