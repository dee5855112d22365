/*
 * crash: touches a kernel address with no handler around it. The process
 * ends with STATUS_ACCESS_VIOLATION; the system runs on.
 */
#include <ntdll.h>

int main(void)
{
    return *(volatile int *)((ULONG_PTR)NTLAB_VA_BASE + 0xE0F00000u);
}
