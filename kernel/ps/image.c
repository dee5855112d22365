/*
 * Program images: ELF executables (x86-64, static, not position
 * independent, linked at their guest address plus the window's base)
 * loaded from boot modules into the current process's user space.
 *
 * Each loadable segment is copied into committed private memory and given
 * its protection; the symbol table names the entry points of ntlab's user
 * runtime the kernel calls into (RtlUserThreadStart, where every thread
 * starts, and the exception and APC dispatchers). A program built without
 * that runtime cannot run and is refused with STATUS_INVALID_IMAGE_FORMAT.
 */
#include "ps.h"

#include "../rtl/elf.h"
#include "../rtl/rtl.h"

#define MAX_SEGMENTS 16
#define MAX_TABLE    (4u << 20) /* bytes of symbols and names we read */

NTSTATUS ps_find_module(const char *name, ULONG *index)
{
    ULONG i;
    const char *m;

    for (i = 0; (m = hal_module_name(i)) != NULL; i++) {
        if (rtl_equal_nocase(m, name)) {
            *index = i;
            return STATUS_SUCCESS;
        }
    }
    return STATUS_OBJECT_NAME_NOT_FOUND;
}

/* The guest address of a host address in an image, or 0 if it is not in
 * user space. */
static ULONG user_address(ULONGLONG host)
{
    ULONGLONG va = host - (ULONGLONG)(ULONG_PTR)NTLAB_VA_BASE;

    return va >= 0x10000u && va < MM_HIGHEST_USER_ADDRESS ? (ULONG)va : 0;
}

/* Copies len bytes at offset of module into user memory at va. */
static NTSTATUS copy_in(ULONG module, ULONGLONG offset, ULONG va, ULONGLONG len)
{
    PUCHAR bounce = ExAllocatePoolWithTag(NonPagedPool, PAGE_SIZE, 'gmIP');
    NTSTATUS status = STATUS_SUCCESS;
    ULONG n;

    if (bounce == NULL)
        return STATUS_INSUFFICIENT_RESOURCES;
    while (len > 0 && NT_SUCCESS(status)) {
        n = len < PAGE_SIZE ? (ULONG)len : PAGE_SIZE;
        if (offset > MAXULONG ||
            !hal_module_read(module, (ULONG)offset, bounce, n))
            status = STATUS_INVALID_IMAGE_FORMAT;
        else
            RtlCopyMemory(HAL_VA_PTR(va), bounce, n);
        offset += n;
        va += n;
        len -= n;
    }
    ExFreePoolWithTag(bounce, 'gmIP');
    return status;
}

static ULONG page_protection(ULONG flags)
{
    if (flags & PF_X)
        return (flags & PF_W) ? PAGE_EXECUTE_READWRITE : PAGE_EXECUTE_READ;
    return (flags & PF_W) ? PAGE_READWRITE : PAGE_READONLY;
}

/* Reads and checks the header and loadable segments; finds the span. */
static NTSTATUS read_layout(ULONG module, elf_header *h, elf_segment *seg,
                            ULONG *count, ULONG *start, ULONG *end)
{
    ULONG i, n = 0, lo = MAXULONG, hi = 0, s, e;
    elf_segment p;

    if (!hal_module_read(module, 0, h, sizeof *h) ||
        !RtlEqualMemory(h->ident,
                        "\x7F"
                        "ELF\x02\x01",
                        6) ||
        h->type != ET_EXEC || h->machine != EM_X86_64 ||
        h->phentsize != sizeof p || h->phnum > 64)
        return STATUS_INVALID_IMAGE_FORMAT;
    for (i = 0; i < h->phnum; i++) {
        if (h->phoff > MAXULONG - i * sizeof p ||
            !hal_module_read(module, (ULONG)(h->phoff + i * sizeof p), &p,
                             sizeof p))
            return STATUS_INVALID_IMAGE_FORMAT;
        if (p.type != PT_LOAD || p.memsz == 0)
            continue;
        s = user_address(p.vaddr);
        e = user_address(p.vaddr + p.memsz - 1);
        if (n == MAX_SEGMENTS || s == 0 || e == 0 || e < s ||
            p.filesz > p.memsz)
            return STATUS_INVALID_IMAGE_FORMAT;
        seg[n++] = p;
        lo = s < lo ? s : lo;
        hi = e > hi ? e : hi;
    }
    if (n == 0)
        return STATUS_INVALID_IMAGE_FORMAT;
    *count = n;
    *start = lo & ~(PAGE_SIZE - 1);
    *end = (hi | (PAGE_SIZE - 1)) + 1;
    return STATUS_SUCCESS;
}

/* Copies the segments in and gives them their protections. */
static NTSTATUS map_segments(ULONG module, const elf_segment *seg, ULONG count,
                             ULONG start, ULONG end)
{
    PVOID base = HAL_VA_PTR(start), at;
    SIZE_T size = end - start;
    ULONG i, old;
    NTSTATUS status =
        ZwAllocateVirtualMemory(NtCurrentProcess(), &base, 0, &size,
                                MEM_RESERVE | MEM_COMMIT, PAGE_READWRITE);

    for (i = 0; i < count && NT_SUCCESS(status); i++)
        status = copy_in(module, seg[i].offset, user_address(seg[i].vaddr),
                         seg[i].filesz);
    for (i = 0; i < count && NT_SUCCESS(status); i++) {
        at = HAL_VA_PTR(user_address(seg[i].vaddr) & ~(PAGE_SIZE - 1));
        size = user_address(seg[i].vaddr) + seg[i].memsz - HAL_PTR_VA(at);
        status = ZwProtectVirtualMemory(NtCurrentProcess(), &at, &size,
                                        page_protection(seg[i].flags), &old);
    }
    return status;
}

/* Reads a table of the image (a section's contents) into pool. */
static PVOID read_table(ULONG module, const elf_section *s)
{
    PVOID table;

    if (s->size == 0 || s->size > MAX_TABLE || s->offset > MAXULONG)
        return NULL;
    table = ExAllocatePoolWithTag(PagedPool, (SIZE_T)s->size, 'bsIP');
    if (table != NULL &&
        !hal_module_read(module, (ULONG)s->offset, table, (ULONG)s->size)) {
        ExFreePoolWithTag(table, 'bsIP');
        table = NULL;
    }
    return table;
}

/* Is the name at s (at most max bytes, maybe unterminated) want? */
static BOOLEAN name_is(const char *s, ULONGLONG max, const char *want)
{
    ULONG i;

    for (i = 0; i < max; i++) {
        if (s[i] != want[i])
            return FALSE;
        if (s[i] == '\0')
            return TRUE;
    }
    return FALSE;
}

/* Looks the runtime's entry points up in the symbol table. */
static NTSTATUS find_entry_points(ULONG module, const elf_header *h,
                                  ps_image *image)
{
    static const char *const names[3] = {"RtlUserThreadStart",
                                         "KiUserExceptionDispatcher",
                                         "KiUserApcDispatcher"};
    ULONG *found[3] = {&image->thread_start, &image->exception_dispatcher,
                       &image->apc_dispatcher};
    elf_section symtab, strtab;
    elf_symbol *symbols = NULL;
    char *strings = NULL;
    ULONG i, k, n = 0;

    for (i = 0; i < h->shnum && n == 0; i++) {
        if (h->shentsize != sizeof symtab ||
            !hal_module_read(module, (ULONG)(h->shoff + i * sizeof symtab),
                             &symtab, sizeof symtab))
            return STATUS_INVALID_IMAGE_FORMAT;
        if (symtab.type == SHT_SYMTAB && symtab.link < h->shnum &&
            hal_module_read(module,
                            (ULONG)(h->shoff + symtab.link * sizeof strtab),
                            &strtab, sizeof strtab) &&
            (symbols = read_table(module, &symtab)) != NULL &&
            (strings = read_table(module, &strtab)) != NULL)
            n = (ULONG)(symtab.size / sizeof *symbols);
    }
    for (i = 0; i < n; i++) {
        for (k = 0; k < 3; k++) {
            if (symbols[i].name < strtab.size &&
                name_is(strings + symbols[i].name,
                        strtab.size - symbols[i].name, names[k]))
                *found[k] = user_address(symbols[i].value);
        }
    }
    if (symbols != NULL)
        ExFreePoolWithTag(symbols, 'bsIP');
    if (strings != NULL)
        ExFreePoolWithTag(strings, 'bsIP');
    for (k = 0; k < 3; k++) {
        if (*found[k] == 0) {
            rtl_print("ntlab: %s: no %s: the program was not built with "
                      "ntlab's user runtime\n",
                      hal_module_name(module), names[k]);
            return STATUS_INVALID_IMAGE_FORMAT;
        }
    }
    return STATUS_SUCCESS;
}

NTSTATUS ps_load_image(ULONG module, ps_image *image)
{
    elf_segment seg[MAX_SEGMENTS];
    elf_header h;
    ULONG count, start, end;
    NTSTATUS status = read_layout(module, &h, seg, &count, &start, &end);

    RtlZeroMemory(image, sizeof *image);
    if (NT_SUCCESS(status))
        status = find_entry_points(module, &h, image);
    if (NT_SUCCESS(status))
        status = map_segments(module, seg, count, start, end);
    if (!NT_SUCCESS(status))
        return status;
    image->base = start;
    image->end = end;
    image->entry = user_address(h.entry);
    return image->entry != 0 ? STATUS_SUCCESS : STATUS_INVALID_IMAGE_FORMAT;
}
