/*
 * ntlab's driver API: what a kernel-mode driver includes. The names,
 * signatures, status codes and stop codes are NT's.
 */
#ifndef NTDDK_H
#define NTDDK_H

#include <nt/ntdef.h>
#include <nt/ntstatus.h>
#include <nt/bugcodes.h>
#include <nt/rtl.h>
#include <nt/ke.h>
#include <nt/ob.h>
#include <nt/ps.h>
#include <nt/ex.h>
#include <nt/seh.h>
#include <nt/mm.h>
#include <nt/io.h>

#endif
