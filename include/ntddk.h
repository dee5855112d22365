/*
 * ntlab's driver API: what a kernel-mode driver includes. The names,
 * signatures, status codes and stop codes are NT's.
 */
#ifndef NTDDK_H
#define NTDDK_H

/*
 * Driver sources carry pragmas for other compilers: #pragma alloc_text
 * (which puts routines in INIT or PAGE sections; GCC cannot, so they stay
 * resident: use __attribute__((section("PAGE"))) for a pageable routine),
 * #pragma warning, #pragma prefast. They are ignored, never an error.
 */
#pragma GCC diagnostic ignored "-Wunknown-pragmas"

#include <nt/ntdef.h>
#include <nt/ntstatus.h>
#include <nt/bugcodes.h>
#include <nt/rtl.h>
#include <nt/ke.h>
#include <nt/ob.h>
#include <nt/ps.h>
#include <nt/ex.h>
#include <nt/se.h>
#include <nt/seh.h>
#include <nt/mm.h>
#include <nt/io.h>
#include <nt/cm.h>

#endif
