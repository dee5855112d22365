/*
 * The kernel's public interface to drivers (Ke): IRQL, the current thread,
 * bug checks. Structures are opaque to drivers.
 */
#ifndef NT_KE_H
#define NT_KE_H

#include <nt/ntdef.h>

typedef struct _KTHREAD *PKTHREAD, *PRKTHREAD;
typedef struct _KPROCESS *PKPROCESS, *PRKPROCESS;
typedef struct _ETHREAD *PETHREAD;
typedef struct _EPROCESS *PEPROCESS;

/* Interrupt request levels (x86). */
#define PASSIVE_LEVEL  0
#define LOW_LEVEL      0
#define APC_LEVEL      1
#define DISPATCH_LEVEL 2
#define CMCI_LEVEL     5
#define PROFILE_LEVEL  27
#define CLOCK1_LEVEL   28
#define CLOCK2_LEVEL   28
#define CLOCK_LEVEL    28
#define IPI_LEVEL      29
#define POWER_LEVEL    30
#define HIGH_LEVEL     31
#define SYNCH_LEVEL    (IPI_LEVEL - 2)

/*
 * KfRaiseIrql raises to new_irql and returns the previous level; raising to
 * a lower level stops the system (IRQL_NOT_GREATER_OR_EQUAL). KfLowerIrql
 * lowers to new_irql; lowering to a higher level stops it
 * (IRQL_NOT_LESS_OR_EQUAL). Callable at any IRQL.
 */
NTKERNELAPI KIRQL FASTCALL KfRaiseIrql(KIRQL NewIrql);
NTKERNELAPI VOID FASTCALL KfLowerIrql(KIRQL NewIrql);
NTKERNELAPI KIRQL NTAPI KeGetCurrentIrql(VOID);
NTKERNELAPI KIRQL NTAPI KeRaiseIrqlToDpcLevel(VOID);
#define KeRaiseIrql(NewIrql, OldIrql) (*(OldIrql) = KfRaiseIrql(NewIrql))
#define KeLowerIrql(NewIrql)          KfLowerIrql(NewIrql)

NTKERNELAPI PKTHREAD NTAPI KeGetCurrentThread(VOID);

/* Stops the system with NT's stop screen. Never returns. */
NTKERNELAPI DECLSPEC_NORETURN VOID NTAPI
KeBugCheckEx(ULONG BugCheckCode, ULONG_PTR BugCheckParameter1,
             ULONG_PTR BugCheckParameter2, ULONG_PTR BugCheckParameter3,
             ULONG_PTR BugCheckParameter4);
NTKERNELAPI DECLSPEC_NORETURN VOID NTAPI KeBugCheck(ULONG BugCheckCode);

#endif
