/*
 * direct.sys and direct.exe: the device and its I/O control code.
 */
#ifndef DIRECT_H
#define DIRECT_H

/* \Device\Direct, also \DosDevices\Direct (\\.\Direct). */
#define DIRECT_DEVICE_TYPE 0x8002

/* The input is a ULONG (buffered); later, a timer's DPC writes it + 1 in
 * the first ULONG of the output buffer (locked, described by an MDL) and
 * completes the request (Information 4). */
#define IOCTL_DIRECT_LATER \
    CTL_CODE(DIRECT_DEVICE_TYPE, 0x800, METHOD_OUT_DIRECT, FILE_ANY_ACCESS)

#endif
