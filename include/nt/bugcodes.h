/*
 * Bug check (stop) codes, with NT's values. kernel/ke/bugcheck.c holds the
 * matching names for the stop screen.
 */
#ifndef NT_BUGCODES_H
#define NT_BUGCODES_H

#define APC_INDEX_MISMATCH                      0x00000001
#define INVALID_PROCESS_ATTACH_ATTEMPT          0x00000005
#define INVALID_PROCESS_DETACH_ATTEMPT          0x00000006
#define IRQL_NOT_GREATER_OR_EQUAL               0x00000009
#define IRQL_NOT_LESS_OR_EQUAL                  0x0000000A
#define NO_EXCEPTION_HANDLING_SUPPORT           0x0000000B
#define MAXIMUM_WAIT_OBJECTS_EXCEEDED           0x0000000C
#define MUTEX_LEVEL_NUMBER_VIOLATION            0x0000000D
#define SPIN_LOCK_ALREADY_OWNED                 0x0000000F
#define SPIN_LOCK_NOT_OWNED                     0x00000010
#define THREAD_NOT_MUTEX_OWNER                  0x00000011
#define KERNEL_APC_PENDING_DURING_EXIT          0x00000020
#define REFERENCE_BY_POINTER                    0x00000018
#define INVALID_KERNEL_HANDLE                   0x00000093
#define IRQL_GT_ZERO_AT_SYSTEM_SERVICE          0x0000004A
#define KMODE_EXCEPTION_NOT_HANDLED             0x0000001E
#define PFN_LIST_CORRUPT                        0x0000004E
#define NO_MORE_SYSTEM_PTES                     0x0000003F
#define NO_PAGES_AVAILABLE                      0x0000004D
#define PAGE_FAULT_IN_NONPAGED_AREA             0x00000050
#define PROCESS_INITIALIZATION_FAILED           0x00000060
#define PHASE1_INITIALIZATION_FAILED            0x00000032
#define UNEXPECTED_KERNEL_MODE_TRAP             0x0000007F
#define SYSTEM_THREAD_EXCEPTION_NOT_HANDLED     0x0000007E
#define KERNEL_STACK_INPAGE_ERROR               0x00000077
#define KERNEL_DATA_INPAGE_ERROR                0x0000007A
#define INSTALL_MORE_MEMORY                     0x0000007D
#define MANUALLY_INITIATED_CRASH                0x000000E2
#define WORKER_THREAD_RETURNED_AT_BAD_IRQL      0x000000E1
#define WORKER_INVALID                          0x000000E4
#define ATTEMPTED_WRITE_TO_READONLY_MEMORY      0x000000BE
#define BAD_POOL_CALLER                         0x000000C2
#define DRIVER_IRQL_NOT_LESS_OR_EQUAL           0x000000D1
#define DRIVER_CORRUPTED_EXPOOL                 0x000000C5
#define PAGE_FAULT_IN_FREED_SPECIAL_POOL        0x000000CC
#define DRIVER_PAGE_FAULT_IN_FREED_SPECIAL_POOL 0x000000D5
#define DRIVER_PORTION_MUST_BE_NONPAGED         0x000000D3
#define SYSTEM_SERVICE_EXCEPTION                0x0000003B
#define DRIVER_VERIFIER_DETECTED_VIOLATION      0x000000C4
#define MEMORY_MANAGEMENT                       0x0000001A
#define ATTEMPTED_SWITCH_FROM_DPC               0x000000B8
#define MUTEX_ALREADY_OWNED                     0x000000BF
#define IRQL_UNEXPECTED_VALUE                   0x000000C8
#define THREAD_TERMINATE_HELD_MUTEX             0x4000008A

/* The first parameter of UNEXPECTED_KERNEL_MODE_TRAP is the trap number. */
#define EXCEPTION_DIVIDED_BY_ZERO 0
#define EXCEPTION_DEBUG           1
#define EXCEPTION_NMI             2
#define EXCEPTION_INT3            3
#define EXCEPTION_DOUBLE_FAULT    8

#endif
