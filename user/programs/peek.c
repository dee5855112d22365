/*
 * peek: reads KUSER_SHARED_DATA through the kernel's own view (0xFFDF0000,
 * system space). Exit status: 0 when the read worked (user code is
 * trusted: the default), 1 when it was an access violation (--strict).
 */
#include <ntdll.h>

int main(void)
{
    volatile int result = 2;

    __try {
        (void)*(volatile ULONG *)((ULONG_PTR)NTLAB_VA_BASE +
                                  MM_KERNEL_SHARED_DATA_VA);
        result = 0;
    } __except (GetExceptionCode() == STATUS_ACCESS_VIOLATION
                    ? EXCEPTION_EXECUTE_HANDLER
                    : EXCEPTION_CONTINUE_SEARCH) {
        result = 1;
    }
    return result;
}
