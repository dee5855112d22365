/*
 * winioctl.h: what a program needs to build I/O control codes for
 * DeviceIoControl: CTL_CODE, the methods, access and device types
 * (devioctl.h, shared with drivers).
 */
#ifndef NTLAB_WINIOCTL_H
#define NTLAB_WINIOCTL_H

#include <windows.h>
#include <devioctl.h>

#endif
