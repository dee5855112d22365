/*
 * filter.sys and filter.exe: what they share. The driver makes
 * \Device\FilterLower (opened by programs as \\.\FilterLower) and attaches
 * an unnamed filter device over it, so what is sent to the lower device's
 * name reaches the filter first.
 */
#ifndef FILTER_H
#define FILTER_H

#define FILTER_DEVICE_TYPE 0x8002

/* METHOD_BUFFERED. The lower device echoes the input back as the output
 * (Information = the input's length); on the way, the filter upper-cases
 * the input and appends FILTER_SUFFIX to the output. */
#define IOCTL_FILTER_ECHO \
    CTL_CODE(FILTER_DEVICE_TYPE, 0x800, METHOD_BUFFERED, FILE_ANY_ACCESS)
/* The same, but the lower device completes the request later, from a
 * timer's DPC. */
#define IOCTL_FILTER_ECHO_LATER \
    CTL_CODE(FILTER_DEVICE_TYPE, 0x801, METHOD_BUFFERED, FILE_ANY_ACCESS)

/* What the filter's completion routine appends (when the output has room). */
#define FILTER_SUFFIX " (via filter)"

#endif
