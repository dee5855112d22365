/*
 * wdmsec.h: IoCreateDeviceSecure and the SDDL_DEVOBJ_* strings, which
 * ntddk.h declares (nt/io.h says what ntlab does with them).
 */
#ifndef WDMSEC_H
#define WDMSEC_H

#include <ntddk.h>

#endif
