/*
 * The processor context: NT's CONTEXT for the architecture user code runs
 * on. The hosted platform runs x86-64 code, with NT's AMD64 layout; the pc
 * platform will run i386 code, with NT's x86 layout. Code that only needs
 * the instruction and stack pointers uses CONTEXT_TO_PROGRAM_COUNTER and
 * CONTEXT_TO_STACK_POINTER.
 */
#ifndef NT_CONTEXT_H
#define NT_CONTEXT_H

#include <nt/ntdef.h>

typedef struct __attribute__((aligned(16))) _M128A {
    ULONGLONG Low;
    LONGLONG High;
} M128A, *PM128A;

#if defined(__x86_64__)

/* The FXSAVE image. */
typedef struct __attribute__((aligned(16))) _XMM_SAVE_AREA32 {
    USHORT ControlWord;
    USHORT StatusWord;
    UCHAR TagWord;
    UCHAR Reserved1;
    USHORT ErrorOpcode;
    ULONG ErrorOffset;
    USHORT ErrorSelector;
    USHORT Reserved2;
    ULONG DataOffset;
    USHORT DataSelector;
    USHORT Reserved3;
    ULONG MxCsr;
    ULONG MxCsr_Mask;
    M128A FloatRegisters[8];
    M128A XmmRegisters[16];
    UCHAR Reserved4[96];
} XMM_SAVE_AREA32, *PXMM_SAVE_AREA32;

#define CONTEXT_AMD64           0x00100000u
#define CONTEXT_CONTROL         (CONTEXT_AMD64 | 0x1u)
#define CONTEXT_INTEGER         (CONTEXT_AMD64 | 0x2u)
#define CONTEXT_SEGMENTS        (CONTEXT_AMD64 | 0x4u)
#define CONTEXT_FLOATING_POINT  (CONTEXT_AMD64 | 0x8u)
#define CONTEXT_DEBUG_REGISTERS (CONTEXT_AMD64 | 0x10u)
#define CONTEXT_FULL \
    (CONTEXT_CONTROL | CONTEXT_INTEGER | CONTEXT_FLOATING_POINT)

typedef struct __attribute__((aligned(16))) _CONTEXT {
    ULONGLONG P1Home, P2Home, P3Home, P4Home, P5Home, P6Home;
    ULONG ContextFlags;
    ULONG MxCsr;
    USHORT SegCs, SegDs, SegEs, SegFs, SegGs, SegSs;
    ULONG EFlags;
    ULONGLONG Dr0, Dr1, Dr2, Dr3, Dr6, Dr7;
    ULONGLONG Rax, Rcx, Rdx, Rbx, Rsp, Rbp, Rsi, Rdi;
    ULONGLONG R8, R9, R10, R11, R12, R13, R14, R15;
    ULONGLONG Rip;
    XMM_SAVE_AREA32 FltSave;
    M128A VectorRegister[26];
    ULONGLONG VectorControl;
    ULONGLONG DebugControl;
    ULONGLONG LastBranchToRip;
    ULONGLONG LastBranchFromRip;
    ULONGLONG LastExceptionToRip;
    ULONGLONG LastExceptionFromRip;
} CONTEXT, *PCONTEXT;

#define CONTEXT_TO_PROGRAM_COUNTER(c) ((c)->Rip)
#define CONTEXT_TO_STACK_POINTER(c)   ((c)->Rsp)

#else

#define SIZE_OF_80387_REGISTERS 80

typedef struct _FLOATING_SAVE_AREA {
    ULONG ControlWord;
    ULONG StatusWord;
    ULONG TagWord;
    ULONG ErrorOffset;
    ULONG ErrorSelector;
    ULONG DataOffset;
    ULONG DataSelector;
    UCHAR RegisterArea[SIZE_OF_80387_REGISTERS];
    ULONG Cr0NpxState;
} FLOATING_SAVE_AREA;

#define CONTEXT_i386            0x00010000u
#define CONTEXT_CONTROL         (CONTEXT_i386 | 0x1u)
#define CONTEXT_INTEGER         (CONTEXT_i386 | 0x2u)
#define CONTEXT_SEGMENTS        (CONTEXT_i386 | 0x4u)
#define CONTEXT_FLOATING_POINT  (CONTEXT_i386 | 0x8u)
#define CONTEXT_DEBUG_REGISTERS (CONTEXT_i386 | 0x10u)
#define CONTEXT_FULL            (CONTEXT_CONTROL | CONTEXT_INTEGER | CONTEXT_SEGMENTS)

typedef struct _CONTEXT {
    ULONG ContextFlags;
    ULONG Dr0, Dr1, Dr2, Dr3, Dr6, Dr7;
    FLOATING_SAVE_AREA FloatSave;
    ULONG SegGs, SegFs, SegEs, SegDs;
    ULONG Edi, Esi, Ebx, Edx, Ecx, Eax;
    ULONG Ebp, Eip, SegCs, EFlags, Esp, SegSs;
    UCHAR ExtendedRegisters[512];
} CONTEXT, *PCONTEXT;

#define CONTEXT_TO_PROGRAM_COUNTER(c) ((c)->Eip)
#define CONTEXT_TO_STACK_POINTER(c)   ((c)->Esp)

#endif

#endif
