/*
 * What sample.sys and sampleapp.exe share: the device's Win32 name and the
 * IOCTLs, one for each buffering method. Every one takes a text and
 * answers with it in capitals; METHOD_IN_DIRECT, whose second buffer is
 * read by the driver, answers with the number of letters in it instead
 * (in the IRP's Information).
 */
#ifndef SAMPLE_H
#define SAMPLE_H

#define SAMPLE_DEVICE_TYPE 0x9000

#define IOCTL_SAMPLE_BUFFERED                                            \
    CTL_CODE(SAMPLE_DEVICE_TYPE, 0x900, METHOD_BUFFERED, FILE_ANY_ACCESS)
#define IOCTL_SAMPLE_IN_DIRECT                                           \
    CTL_CODE(SAMPLE_DEVICE_TYPE, 0x901, METHOD_IN_DIRECT, FILE_ANY_ACCESS)
#define IOCTL_SAMPLE_OUT_DIRECT                                          \
    CTL_CODE(SAMPLE_DEVICE_TYPE, 0x902, METHOD_OUT_DIRECT, FILE_ANY_ACCESS)
#define IOCTL_SAMPLE_NEITHER                                             \
    CTL_CODE(SAMPLE_DEVICE_TYPE, 0x903, METHOD_NEITHER, FILE_ANY_ACCESS)

#endif
