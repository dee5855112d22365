/*
 * neither.sys and neither.exe: the device, its I/O control codes and the
 * address both copies of the program use for their data.
 */
#ifndef NEITHER_H
#define NEITHER_H

/* \Device\Neither, also \DosDevices\Neither (\\.\Neither). */
#define NEITHER_DEVICE_TYPE 0x8001

#define NEITHER_CTL(function)                                         \
    CTL_CODE(NEITHER_DEVICE_TYPE, 0x800 + (function), METHOD_NEITHER, \
             FILE_ANY_ACCESS)

/* Right: the dispatch routine reads the ULONG at the input address and
 * writes it + 1 at the output address, there and then (Information 4). */
#define IOCTL_NEITHER_NOW NEITHER_CTL(0)
/* Wrong: the driver keeps the input address and reads the ULONG later,
 * from a work item, inside __try (Information = the value it read). */
#define IOCTL_NEITHER_WORK_ITEM NEITHER_CTL(1)
/* The same without __try. */
#define IOCTL_NEITHER_WORK_ITEM_NO_TRY NEITHER_CTL(2)
/* Wrong: the same, later, from a timer's DPC. */
#define IOCTL_NEITHER_DPC NEITHER_CTL(3)

#endif
