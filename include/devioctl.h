/*
 * devioctl.h: device types and I/O control codes, shared by drivers
 * (ntddk.h includes it) and programs (windows.h, winioctl.h). An IOCTL
 * code packs the device type (bits 16-31), the access the caller's handle
 * must have (14-15), the function (2-13) and the buffering method (0-1).
 */
#ifndef DEVIOCTL_H
#define DEVIOCTL_H

#include <nt/ntdef.h>

typedef ULONG DEVICE_TYPE;
#define FILE_DEVICE_BEEP            0x00000001
#define FILE_DEVICE_CD_ROM          0x00000002
#define FILE_DEVICE_CONTROLLER      0x00000004
#define FILE_DEVICE_DISK            0x00000007
#define FILE_DEVICE_FILE_SYSTEM     0x00000009
#define FILE_DEVICE_KEYBOARD        0x0000000B
#define FILE_DEVICE_MOUSE           0x0000000F
#define FILE_DEVICE_NETWORK         0x00000012
#define FILE_DEVICE_NULL            0x00000015
#define FILE_DEVICE_PARALLEL_PORT   0x00000016
#define FILE_DEVICE_PRINTER         0x00000018
#define FILE_DEVICE_SERIAL_PORT     0x0000001B
#define FILE_DEVICE_SCREEN          0x0000001C
#define FILE_DEVICE_SOUND           0x0000001D
#define FILE_DEVICE_UNKNOWN         0x00000022
#define FILE_DEVICE_VIDEO           0x00000023
#define FILE_DEVICE_MASS_STORAGE    0x0000002D
#define FILE_DEVICE_BUS_EXTENDER    0x0000002A

#define FILE_DEVICE_SECURE_OPEN 0x00000100

#define CTL_CODE(DeviceType, Function, Method, Access)                         \
    (((ULONG)(DeviceType) << 16) | ((ULONG)(Access) << 14) |                 \
     ((ULONG)(Function) << 2) | (ULONG)(Method))
#define DEVICE_TYPE_FROM_CTL_CODE(c) (((ULONG)(c)&0xFFFF0000) >> 16)
#define METHOD_FROM_CTL_CODE(c)      ((ULONG)(c)&3)
#define METHOD_BUFFERED   0
#define METHOD_IN_DIRECT  1
#define METHOD_OUT_DIRECT 2
#define METHOD_NEITHER    3
#define METHOD_DIRECT_TO_HARDWARE METHOD_IN_DIRECT
#define METHOD_DIRECT_FROM_HARDWARE METHOD_OUT_DIRECT
#define FILE_ANY_ACCESS     0
#define FILE_SPECIAL_ACCESS FILE_ANY_ACCESS
#define FILE_READ_ACCESS    0x0001
#define FILE_WRITE_ACCESS   0x0002

#endif
