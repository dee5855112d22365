/*
 * wdm.h, which WDM drivers include: the same driver API as ntddk.h.
 */
#ifndef WDM_H
#define WDM_H

#include <ntddk.h>

#endif
