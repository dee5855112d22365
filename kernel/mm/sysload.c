/*
 * Driver images: ELF x86-64 shared objects (.sys) loaded from boot modules
 * into the system image region, as NT's MmLoadSystemImage loads drivers.
 *
 * An image keeps the layout its linker gave it (image address 0 is its
 * base) and gets the first free range of the region that fits, with an
 * unmapped guard page after it. Loading goes in steps, each checked before
 * the next, and a failure at any step undoes them all:
 *   1. the ELF header, program headers and section headers are read and
 *      checked against the image's bounds;
 *   2. every page a loadable segment covers gets a resident, writable frame
 *      and the segments are copied in (through a bounce buffer: the module
 *      is read into pool, then copied);
 *   3. each dynamic symbol is bound: a defined one to its address, an
 *      undefined one (an import) to the kernel's export table by name;
 *   4. the relocations of the SHF_ALLOC RELA sections are applied, and
 *      DriverEntry is looked up among the dynamic symbols;
 *   5. pages get their final protection: read-only unless a writable
 *      segment holds them and PT_GNU_RELRO does not (non-PAE x86 has no
 *      execute permission: code is read-only, and runs as any readable
 *      page does);
 *   6. the whole pages of sections named PAGE... move into the system
 *      working set: a pageable frame takes over each page's contents, and
 *      from then on the pager may trim it to the paging file and a fault at
 *      IRQL <= APC_LEVEL brings it back, as for paged pool (fault.c). The
 *      build's linker script (drivers/ntlab-driver.ld) page-aligns them.
 * The symbol and relocation tables are read where the image holds them,
 * found through the section headers. Relocations and bound imports hold
 * host pointers (HAL_VA_PTR): in the sanitizer build an image runs at the
 * window's base plus its guest address.
 *
 * The region's bitmap and the list of loaded images are guarded by
 * DISPATCH_LEVEL.
 */
#include "mm.h"

#include "../ps/ps.h"
#include "../rtl/elf.h"
#include "../rtl/rtl.h"
#include "../vf/vf.h"
#include "pager.h"

#define MAX_SEGMENTS 16
#define MAX_SECTIONS 256
#define MAX_NAMES    0x10000u /* bytes of section names */
#define REGION_PAGES ((MM_SYSTEM_IMAGES_END - MM_SYSTEM_IMAGES_START) >> 12)
#define MAX_IMAGE    ((REGION_PAGES - 1) << PAGE_SHIFT) /* a guard page */
#define TAG          'dLmM'

/* What a load works with until it is done. */
typedef struct loader {
    ULONG module;
    elf_header h;
    elf_segment segments[MAX_SEGMENTS];
    ULONG segment_count;
    elf_segment relro;     /* memsz 0: none */
    elf_section *sections; /* h.shnum of them, in pool */
    char *names;           /* section names, NUL-terminated, in pool */
    ULONG names_size;
    ULONG pages; /* the image's, without its guard page */
    mm_system_image *image;
    ULONGLONG *values; /* per dynamic symbol: what it is bound to */
} loader;

static ULONG region_bits[REGION_PAGES / 32];
static RTL_BITMAP region = {REGION_PAGES, region_bits};
static ULONG region_hint;
static LIST_ENTRY loaded = {&loaded, &loaded};

/* ---- The export table ---------------------------------------------------- */

ULONG mm_export_index(const char *name)
{
    ULONG lo = 0, hi = mm_export_count, mid;
    int order;

    while (lo < hi) {
        mid = lo + (hi - lo) / 2;
        order = rtl_strcmp(name, mm_exports[mid].name);
        if (order == 0)
            return mid;
        if (order < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return MAXULONG;
}

PVOID mm_find_export(const char *name)
{
    ULONG index = mm_export_index(name);

    return index != MAXULONG ? mm_exports[index].address : rtl_crt_find(name);
}

/* ---- Reading and checking the file --------------------------------------- */

static BOOLEAN read_at(ULONG module, ULONGLONG offset, void *buf, ULONG len)
{
    return offset <= MAXULONG &&
           hal_module_read(module, (ULONG)offset, buf, len);
}

/* Whether a loadable segment holds all of [at, at + len) (whole) or any of
 * it. */
static BOOLEAN in_segment(const loader *l, ULONGLONG at, ULONGLONG len,
                          BOOLEAN whole)
{
    ULONG i;

    for (i = 0; i < l->segment_count; i++) {
        ULONGLONG lo = l->segments[i].vaddr, hi = lo + l->segments[i].memsz;

        if (whole ? at >= lo && at <= hi && len <= hi - at
                  : at < hi && at + len > lo)
            return TRUE;
    }
    return FALSE;
}

static NTSTATUS read_segments(loader *l)
{
    ULONGLONG end = 0;
    elf_segment p;
    ULONG i;

    if (!read_at(l->module, 0, &l->h, sizeof l->h) ||
        !RtlEqualMemory(l->h.ident,
                        "\x7F"
                        "ELF\x02\x01",
                        6) ||
        l->h.type != ET_DYN || l->h.machine != EM_X86_64 ||
        l->h.phentsize != sizeof p || l->h.phnum > 64)
        return STATUS_INVALID_IMAGE_FORMAT;
    for (i = 0; i < l->h.phnum; i++) {
        if (!read_at(l->module, l->h.phoff + i * sizeof p, &p, sizeof p))
            return STATUS_INVALID_IMAGE_FORMAT;
        if (p.type == PT_GNU_RELRO)
            l->relro = p;
        if (p.type != PT_LOAD || p.memsz == 0)
            continue;
        if (l->segment_count == MAX_SEGMENTS || p.filesz > p.memsz ||
            p.vaddr >= MAX_IMAGE || p.memsz > MAX_IMAGE - p.vaddr)
            return STATUS_INVALID_IMAGE_FORMAT;
        l->segments[l->segment_count++] = p;
        end = p.vaddr + p.memsz > end ? p.vaddr + p.memsz : end;
    }
    l->pages = (ULONG)BYTES_TO_PAGES(end);
    return l->segment_count > 0 ? STATUS_SUCCESS : STATUS_INVALID_IMAGE_FORMAT;
}

static NTSTATUS read_sections(loader *l)
{
    ULONG bytes = l->h.shnum * (ULONG)sizeof(elf_section);
    const elf_section *names;

    if (l->h.shentsize != sizeof(elf_section) || l->h.shnum == 0 ||
        l->h.shnum > MAX_SECTIONS || l->h.shstrndx >= l->h.shnum)
        return STATUS_INVALID_IMAGE_FORMAT;
    l->sections = ExAllocatePoolWithTag(PagedPool, bytes, TAG);
    if (l->sections == NULL)
        return STATUS_INSUFFICIENT_RESOURCES;
    if (!read_at(l->module, l->h.shoff, l->sections, bytes))
        return STATUS_INVALID_IMAGE_FORMAT;
    names = &l->sections[l->h.shstrndx];
    if (names->size == 0 || names->size > MAX_NAMES)
        return STATUS_INVALID_IMAGE_FORMAT;
    l->names_size = (ULONG)names->size;
    l->names = ExAllocatePoolWithTag(PagedPool, l->names_size + 1, TAG);
    if (l->names == NULL)
        return STATUS_INSUFFICIENT_RESOURCES;
    l->names[l->names_size] = '\0';
    return read_at(l->module, names->offset, l->names, l->names_size)
               ? STATUS_SUCCESS
               : STATUS_INVALID_IMAGE_FORMAT;
}

/* ---- Pages --------------------------------------------------------------- */

/* Gives the image a range of the region and a frame for every page a
 * segment covers. */
static NTSTATUS map_pages(loader *l)
{
    KIRQL irql = KfRaiseIrql(DISPATCH_LEVEL);
    ULONG first = RtlFindClearBitsAndSet(&region, l->pages + 1, region_hint);
    ULONG i, pfn;

    if (first != 0xFFFFFFFFu)
        region_hint = first + l->pages + 1;
    KfLowerIrql(irql);
    if (first == 0xFFFFFFFFu)
        return STATUS_INSUFFICIENT_RESOURCES;
    l->image->base = MM_SYSTEM_IMAGES_START + (first << PAGE_SHIFT);
    l->image->size = l->pages << PAGE_SHIFT;
    for (i = 0; i < l->pages; i++) {
        if (!in_segment(l, i << PAGE_SHIFT, PAGE_SIZE, FALSE))
            continue;
        pfn = mm_alloc_frame(TRUE);
        if (pfn == MM_FRAME_NONE)
            return STATUS_INSUFFICIENT_RESOURCES;
        if (!NT_SUCCESS(mm_map_page(l->image->base + (i << PAGE_SHIFT), pfn,
                                    PTE_KERNEL_RW))) {
            mm_free_frame(pfn);
            return STATUS_INSUFFICIENT_RESOURCES;
        }
    }
    return STATUS_SUCCESS;
}

/* Frees every page of an image and its range (it may be half built). */
static void unmap_pages(const mm_system_image *image)
{
    ULONG va, pte, first = (image->base - MM_SYSTEM_IMAGES_START) >> 12;
    KIRQL irql;

    mm_return_commit(image->pageable_pages);
    for (va = image->base; va < image->base + image->size; va += PAGE_SIZE) {
        pte = mm_read_pte(va);
        if ((pte & X86_PTE_VALID) &&
            mm_pfn(pte >> PAGE_SHIFT)->ws_id == MM_WS_NONE) {
            mm_unmap_page(va);
            mm_free_frame(pte >> PAGE_SHIFT);
        } else if (pte != 0) {
            mm_release_pageable(va, mm_pte_pa(va), &mm_system_ws);
        }
    }
    irql = KfRaiseIrql(DISPATCH_LEVEL);
    RtlClearBits(&region, first, (image->size >> PAGE_SHIFT) + 1);
    if (first < region_hint)
        region_hint = first;
    KfLowerIrql(irql);
}

static NTSTATUS copy_segments(loader *l)
{
    PUCHAR bounce = ExAllocatePoolWithTag(NonPagedPool, PAGE_SIZE, TAG);
    NTSTATUS status = STATUS_SUCCESS;
    ULONGLONG done;
    ULONG i, n;

    if (bounce == NULL)
        return STATUS_INSUFFICIENT_RESOURCES;
    for (i = 0; i < l->segment_count && NT_SUCCESS(status); i++) {
        const elf_segment *s = &l->segments[i];

        for (done = 0; done < s->filesz && NT_SUCCESS(status); done += n) {
            n = s->filesz - done < PAGE_SIZE ? (ULONG)(s->filesz - done)
                                             : PAGE_SIZE;
            if (!read_at(l->module, s->offset + done, bounce, n))
                status = STATUS_INVALID_IMAGE_FORMAT;
            else
                RtlCopyMemory(HAL_VA_PTR(l->image->base + s->vaddr + done),
                              bounce, n);
        }
    }
    ExFreePoolWithTag(bounce, TAG);
    return status;
}

/* The protection (MM_*) of the image page at offset at. */
static ULONG page_protection(const loader *l, ULONG at)
{
    ULONGLONG relro = l->relro.vaddr, relro_end = relro + l->relro.memsz;
    BOOLEAN write = FALSE, execute = FALSE;
    ULONG i;

    for (i = 0; i < l->segment_count; i++) {
        const elf_segment *s = &l->segments[i];

        if (at < s->vaddr + s->memsz && at + PAGE_SIZE > s->vaddr) {
            write |= (s->flags & PF_W) != 0;
            execute |= (s->flags & PF_X) != 0;
        }
    }
    /* RELRO is read-only once relocated, from the page where it starts to
     * the page where it ends (as ld.so protects it). */
    if (l->relro.memsz != 0 && at >= MM_PAGE_ALIGN(relro) &&
        at < MM_PAGE_ALIGN(relro_end))
        write = FALSE;
    if (execute)
        return write ? MM_EXECUTE_READWRITE : MM_EXECUTE_READ;
    return write ? MM_READWRITE : MM_READONLY;
}

/* Takes the write permission from the pages that must not have it. */
static void protect_pages(const loader *l)
{
    ULONG i, va, pte;

    for (i = 0; i < l->pages; i++) {
        va = l->image->base + (i << PAGE_SHIFT);
        pte = mm_read_pte(va);
        if ((pte & X86_PTE_VALID) &&
            !mm_protection_writable(page_protection(l, i << PAGE_SHIFT))) {
            *mm_pte_address(va) = pte & ~X86_PTE_WRITE;
            hal_mmu_invalidate(va);
        }
    }
}

/* Moves the resident page at va into the system working set: a pageable
 * frame with protection takes over its contents. */
static NTSTATUS make_pageable(ULONG va, ULONG protection)
{
    ULONGLONG pte_pa = mm_pte_pa(va);
    volatile ULONG *pte = mm_pte_address(va);
    KIRQL irql = KfRaiseIrql(DISPATCH_LEVEL);
    ULONG old = *pte;
    NTSTATUS status = STATUS_SUCCESS;

    if ((old & X86_PTE_VALID) &&
        mm_pfn(old >> PAGE_SHIFT)->ws_id == MM_WS_NONE) {
        *pte = mm_demand_zero_pte(protection);
        hal_mmu_invalidate(va);
        status = mm_page_in(va, pte_pa, &mm_system_ws);
        if (NT_SUCCESS(status)) {
            hal_phys_copy(*pte >> PAGE_SHIFT, old >> PAGE_SHIFT);
            mm_free_frame(old >> PAGE_SHIFT);
        } else {
            *pte = old;
        }
    }
    KfLowerIrql(irql);
    return NT_SUCCESS(status) ? status : STATUS_INSUFFICIENT_RESOURCES;
}

/* Makes the whole pages of the PAGE... sections pageable. */
static NTSTATUS page_sections(const loader *l)
{
    ULONGLONG at, end;
    NTSTATUS status;
    ULONG i;

    for (i = 0; i < l->h.shnum; i++) {
        const elf_section *s = &l->sections[i];

        if (!(s->flags & SHF_ALLOC) || s->name >= l->names_size ||
            !rtl_starts_with(l->names + s->name, "PAGE") ||
            !in_segment(l, s->addr, s->size, TRUE))
            continue;
        end = MM_PAGE_ALIGN(s->addr + s->size);
        for (at = MM_PAGE_ALIGN(s->addr + PAGE_SIZE - 1); at < end;
             at += PAGE_SIZE) {
            /* A pageable page is promised a place: charge its commit. */
            if (!mm_charge_commit(1))
                return STATUS_INSUFFICIENT_RESOURCES;
            status = make_pageable(l->image->base + (ULONG)at,
                                   page_protection(l, (ULONG)at));
            if (!NT_SUCCESS(status)) {
                mm_return_commit(1);
                return status;
            }
            l->image->pageable_pages++;
        }
    }
    return STATUS_SUCCESS;
}

/* ---- Symbols and relocations --------------------------------------------- */

static const elf_symbol *symbol(const mm_system_image *image, ULONG i)
{
    return (const elf_symbol *)HAL_VA_PTR(image->symbols) + i;
}

/* The name of a symbol, or NULL when it runs past the string table. */
static const char *symbol_name(const mm_system_image *image,
                               const elf_symbol *sym)
{
    const char *s = HAL_VA_PTR(image->strings);
    ULONG i;

    for (i = sym->name; i < image->strings_size; i++) {
        if (s[i] == '\0')
            return s + sym->name;
    }
    return NULL;
}

/* Finds the dynamic symbol table and its strings in the image. */
static NTSTATUS find_symbols(loader *l)
{
    const elf_section *s = NULL, *str;
    ULONG i;

    for (i = 0; i < l->h.shnum && s == NULL; i++) {
        if (l->sections[i].type == SHT_DYNSYM)
            s = &l->sections[i];
    }
    if (s == NULL)
        return STATUS_SUCCESS; /* no symbols: no imports, no DriverEntry */
    if (s->entsize != sizeof(elf_symbol) || s->addr % 8 != 0 ||
        !in_segment(l, s->addr, s->size, TRUE) || s->link >= l->h.shnum)
        return STATUS_INVALID_IMAGE_FORMAT;
    str = &l->sections[s->link];
    if (!in_segment(l, str->addr, str->size, TRUE))
        return STATUS_INVALID_IMAGE_FORMAT;
    l->image->symbols = l->image->base + (ULONG)s->addr;
    l->image->symbol_count = (ULONG)(s->size / sizeof(elf_symbol));
    l->image->strings = l->image->base + (ULONG)str->addr;
    l->image->strings_size = (ULONG)str->size;
    return STATUS_SUCCESS;
}

/* Binds dynamic symbol i: a definition to its address, an import to the
 * export table's entry (a weak one to 0 if there is none). */
static NTSTATUS bind_symbol(loader *l, ULONG i)
{
    const mm_system_image *image = l->image;
    const elf_symbol *sym = symbol(image, i);
    const char *name = symbol_name(image, sym);
    ULONG index;
    PVOID export;

    if (name == NULL || (sym->shndx != SHN_UNDEF && sym->shndx != SHN_ABS &&
                         sym->value > image->size))
        return STATUS_INVALID_IMAGE_FORMAT;
    if (i == 0 || sym->shndx == SHN_ABS)
        l->values[i] = sym->value;
    else if (sym->shndx != SHN_UNDEF)
        l->values[i] = (ULONG_PTR)HAL_VA_PTR(image->base) + sym->value;
    else if ((index = mm_export_index(name)) != MAXULONG)
        l->values[i] = (ULONG_PTR)vf_bind_import(image, &mm_exports[index]);
    else if ((export = rtl_crt_find(name)) != NULL)
        l->values[i] = (ULONG_PTR) export;
    else if ((sym->info >> 4) != STB_WEAK) {
        rtl_print("ntlab: %s imports %s, which ntlab does not export\n",
                  image->name, name);
        return STATUS_PROCEDURE_NOT_FOUND;
    }
    return STATUS_SUCCESS;
}

/* Binds every dynamic symbol, naming every missing import on the console
 * before it fails. */
static NTSTATUS bind_symbols(loader *l)
{
    ULONG i, bytes = (l->image->symbol_count + 1) * sizeof(ULONGLONG);
    NTSTATUS status = STATUS_SUCCESS, one;

    l->values = ExAllocatePoolWithTag(PagedPool, bytes, TAG);
    if (l->values == NULL)
        return STATUS_INSUFFICIENT_RESOURCES;
    RtlZeroMemory(l->values, bytes);
    for (i = 0; i < l->image->symbol_count; i++) {
        one = bind_symbol(l, i);
        if (one == STATUS_INVALID_IMAGE_FORMAT)
            return one;
        if (!NT_SUCCESS(one))
            status = one;
    }
    return status;
}

static NTSTATUS relocate_one(const loader *l, const elf_rela *r)
{
    ULONG type = (ULONG)r->info, index = (ULONG)(r->info >> 32);
    ULONGLONG value;

    if (type == R_X86_64_NONE)
        return STATUS_SUCCESS;
    if ((index != 0 && index >= l->image->symbol_count) ||
        !in_segment(l, r->offset, sizeof value, TRUE))
        return STATUS_INVALID_IMAGE_FORMAT;
    switch (type) {
    case R_X86_64_RELATIVE:
        value = (ULONG_PTR)HAL_VA_PTR(l->image->base) + r->addend;
        break;
    case R_X86_64_64:
        value = l->values[index] + r->addend;
        break;
    case R_X86_64_GLOB_DAT:
    case R_X86_64_JUMP_SLOT:
        value = l->values[index];
        break;
    default:
        rtl_print("ntlab: %s has a relocation of type %u, which ntlab cannot "
                  "apply\n",
                  l->image->name, type);
        return STATUS_INVALID_IMAGE_FORMAT;
    }
    RtlCopyMemory(HAL_VA_PTR(l->image->base + (ULONG)r->offset), &value,
                  sizeof value);
    return STATUS_SUCCESS;
}

/* Applies the relocations of every SHF_ALLOC RELA section. */
static NTSTATUS relocate(loader *l)
{
    const elf_rela *rela;
    NTSTATUS status;
    ULONG i, j;

    for (i = 0; i < l->h.shnum; i++) {
        const elf_section *s = &l->sections[i];

        if (s->type != SHT_RELA || !(s->flags & SHF_ALLOC))
            continue;
        if (s->entsize != sizeof *rela || s->addr % 8 != 0 ||
            !in_segment(l, s->addr, s->size, TRUE))
            return STATUS_INVALID_IMAGE_FORMAT;
        rela = HAL_VA_PTR(l->image->base + (ULONG)s->addr);
        for (j = 0; j < s->size / sizeof *rela; j++) {
            status = relocate_one(l, &rela[j]);
            if (!NT_SUCCESS(status))
                return status;
        }
    }
    return STATUS_SUCCESS;
}

PVOID mm_image_symbol(const mm_system_image *image, const char *name)
{
    const elf_symbol *sym;
    const char *s;
    ULONG i;

    for (i = 1; i < image->symbol_count; i++) {
        sym = symbol(image, i);
        s = symbol_name(image, sym);
        if (s != NULL && sym->shndx != SHN_UNDEF && sym->shndx != SHN_ABS &&
            sym->value < image->size && rtl_strcmp(s, name) == 0)
            return HAL_VA_PTR(image->base + (ULONG)sym->value);
    }
    return NULL;
}

/* ---- Loading and unloading ----------------------------------------------- */

static NTSTATUS find_entry(loader *l)
{
    l->image->entry = mm_image_symbol(l->image, "DriverEntry");
    return l->image->entry != NULL ? STATUS_SUCCESS
                                   : STATUS_DRIVER_ENTRYPOINT_NOT_FOUND;
}

static NTSTATUS set_up_pages(loader *l)
{
    protect_pages(l);
    return page_sections(l);
}

/* The steps of a load (the file comment), in order. */
static NTSTATUS (*const load_steps[])(loader *l) = {
    read_segments, read_sections, map_pages,  copy_segments, find_symbols,
    bind_symbols,  relocate,      find_entry, set_up_pages,
};

static void copy_name(char *to, ULONG size, const char *from)
{
    ULONG i;

    for (i = 0; i + 1 < size && from[i] != '\0'; i++)
        to[i] = from[i];
    to[i] = '\0';
}

NTSTATUS mm_load_system_image(const char *module_name, mm_system_image **image)
{
    ULONG module;
    NTSTATUS status = ps_find_module(module_name, &module);

    if (!NT_SUCCESS(status))
        return status;
    return mm_load_system_module(module, image);
}

NTSTATUS mm_load_system_module(ULONG module, mm_system_image **image)
{
    loader l = {0};
    NTSTATUS status = STATUS_SUCCESS;
    KIRQL irql;
    ULONG i;

    l.module = module;
    l.image = ExAllocatePoolWithTag(NonPagedPool, sizeof *l.image, TAG);
    if (l.image == NULL)
        return STATUS_INSUFFICIENT_RESOURCES;
    RtlZeroMemory(l.image, sizeof *l.image);
    copy_name(l.image->name, sizeof l.image->name, hal_module_name(l.module));
    l.image->module = l.module;
    for (i = 0; i < ARRAYSIZE(load_steps) && NT_SUCCESS(status); i++)
        status = load_steps[i](&l);
    if (l.sections != NULL)
        ExFreePoolWithTag(l.sections, TAG);
    if (l.names != NULL)
        ExFreePoolWithTag(l.names, TAG);
    if (l.values != NULL)
        ExFreePoolWithTag(l.values, TAG);
    if (!NT_SUCCESS(status)) {
        if (l.image->size != 0)
            unmap_pages(l.image);
        ExFreePoolWithTag(l.image, TAG);
        return status;
    }
    irql = KfRaiseIrql(DISPATCH_LEVEL);
    InsertTailList(&loaded, &l.image->link);
    KfLowerIrql(irql);
    hal_image_loaded(l.image->module, l.image->base, l.image->size);
    vf_hook_image_loaded(l.image);
    *image = l.image;
    return STATUS_SUCCESS;
}

void mm_unload_system_image(mm_system_image *image)
{
    KIRQL irql;

    vf_hook_image_unloading(image);
    hal_image_unloading(image->module, image->base);
    irql = KfRaiseIrql(DISPATCH_LEVEL);
    RemoveEntryList(&image->link);
    KfLowerIrql(irql);
    unmap_pages(image);
    ExFreePoolWithTag(image, TAG);
}

/* ---- The list of loaded images ------------------------------------------- */

/* The list changes only at DISPATCH_LEVEL: a walk raises to it unless it
 * runs there or higher already (the stop screen runs at HIGH_LEVEL). */
static KIRQL lock_list(void)
{
    KIRQL irql = KeGetCurrentIrql();

    if (irql < DISPATCH_LEVEL)
        KfRaiseIrql(DISPATCH_LEVEL);
    return irql;
}

static void unlock_list(KIRQL irql)
{
    if (irql < DISPATCH_LEVEL)
        KfLowerIrql(irql);
}

const mm_system_image *mm_image_at(ULONG va)
{
    KIRQL irql = lock_list();
    const mm_system_image *found = NULL;
    PLIST_ENTRY e;

    for (e = loaded.Flink; e != &loaded && found == NULL; e = e->Flink) {
        const mm_system_image *image =
            CONTAINING_RECORD(e, mm_system_image, link);

        if (va >= image->base && va - image->base < image->size)
            found = image;
    }
    unlock_list(irql);
    return found;
}

const mm_system_image *mm_next_image(const mm_system_image *prev)
{
    PLIST_ENTRY next = prev != NULL ? prev->link.Flink : loaded.Flink;

    return next != &loaded ? CONTAINING_RECORD(next, mm_system_image, link)
                           : NULL;
}

ULONG mm_print_loaded_modules(void)
{
    KIRQL irql = lock_list();
    ULONG n = 0;
    PLIST_ENTRY e;

    for (e = loaded.Flink; e != &loaded; e = e->Flink, n++) {
        const mm_system_image *image =
            CONTAINING_RECORD(e, mm_system_image, link);

        if (n == 0)
            rtl_print("Loaded modules:\n");
        rtl_print("  %08X - %08X  %s\n", image->base, image->base + image->size,
                  image->name);
    }
    unlock_list(irql);
    return n;
}
