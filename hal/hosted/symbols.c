/*
 * Symbols on the hosted platform: what the stop screen and kd print for a
 * code address, found with elfutils' libdwfl in the DWARF and symbol tables
 * of the ntlab executable itself (the kernel) and of the boot module a
 * driver was loaded from. Each file is opened once, on its first lookup,
 * and kept: a stop looks up a dozen addresses, and the line tables are
 * read only for the compilation units those addresses fall in.
 *
 * libdw needs more stack than a kernel stack has (and the dynamic linker's
 * first call of each of its routines more still), so each lookup runs in a
 * host thread of its own, with every signal blocked, while the CPU's
 * thread waits for it.
 */
#define _GNU_SOURCE
#include <elfutils/libdwfl.h>
#include <fcntl.h>
#include <link.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "hosted.h"

#define MAX_FILES 32

static struct symbol_file {
    char name[64]; /* the module's name; "" for the kernel */
    uintptr_t base;
    Dwfl *dwfl;
    Dwfl_Module *module;
} files[MAX_FILES];
static int file_count;
static int self_fd = -1;

static const Dwfl_Callbacks callbacks = {
    .find_elf = dwfl_build_id_find_elf,
    .find_debuginfo = dwfl_standard_find_debuginfo,
};

static int first_object(struct dl_phdr_info *info, size_t size, void *out)
{
    (void)size;
    *(uintptr_t *)out = info->dlpi_addr;
    return 1; /* the first object is the executable */
}

/* Opens the executable before the system-call filter and the guest run:
 * by the time of a stop, /proc/self/exe may no longer be reachable. */
void symbols_init(void)
{
    self_fd = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
}

/* Reports the file behind fd, loaded at base, in a Dwfl of its own,
 * found again by its name and key. */
static struct symbol_file *open_file(const char *name, int fd, uintptr_t key,
                                     uintptr_t base)
{
    struct symbol_file *f = &files[file_count];

    if (fd < 0 || file_count == MAX_FILES)
        return NULL;
    f->dwfl = dwfl_begin(&callbacks);
    fd = dup(fd);
    if (f->dwfl == NULL || fd < 0)
        goto fail;
    f->module = dwfl_report_elf(f->dwfl, name[0] ? name : "ntlab", "", fd,
                                base, false);
    dwfl_report_end(f->dwfl, NULL, NULL);
    if (f->module == NULL)
        goto fail;
    snprintf(f->name, sizeof f->name, "%s", name);
    f->base = key;
    file_count++;
    return f;
fail:
    if (f->dwfl != NULL)
        dwfl_end(f->dwfl);
    f->dwfl = NULL;
    return NULL;
}

static struct symbol_file *file_for(const char *module, uintptr_t base)
{
    int i;

    for (i = 0; i < file_count; i++)
        if (strcmp(files[i].name, module) == 0 && files[i].base == base)
            return &files[i];
    if (module[0] == '\0') {
        uintptr_t bias = 0;

        dl_iterate_phdr(first_object, &bias);
        return open_file("", self_fd, base, bias);
    }
    return open_file(module, modules_fd(module), base, base);
}

static BOOLEAN lookup(const char *module, ULONG_PTR base, ULONG_PTR address,
                      hal_symbol *symbol)
{
    struct symbol_file *f = file_for(module != NULL ? module : "", base);
    const char *name, *src;
    GElf_Off offset = 0;
    GElf_Sym sym;
    Dwfl_Line *line;
    int lineno = 0;

    memset(symbol, 0, sizeof *symbol);
    if (f == NULL)
        return FALSE;
    name = dwfl_module_addrinfo(f->module, address, &offset, &sym, NULL, NULL,
                                NULL);
    if (name == NULL)
        return FALSE;
    snprintf(symbol->function, sizeof symbol->function, "%s", name);
    symbol->offset = (ULONG)offset;
    line = dwfl_module_getsrc(f->module, address);
    src = line != NULL ? dwfl_lineinfo(line, NULL, &lineno, NULL, NULL, NULL)
                       : NULL;
    if (src != NULL && lineno > 0) {
        snprintf(symbol->file, sizeof symbol->file, "%s", src);
        symbol->line = (ULONG)lineno;
    }
    return TRUE;
}

struct request {
    const char *module;
    ULONG_PTR base, address;
    hal_symbol *symbol;
    BOOLEAN found;
};

static void *serve(void *arg)
{
    struct request *r = arg;

    r->found = lookup(r->module, r->base, r->address, r->symbol);
    return NULL;
}

BOOLEAN hal_symbolize(const char *module, ULONG_PTR base, ULONG_PTR address,
                      hal_symbol *symbol)
{
    struct request r = {module, base, address, symbol, FALSE};
    sigset_t all, old;
    pthread_attr_t attr;
    pthread_t thread;
    int failed;

    memset(symbol, 0, sizeof *symbol);
    sigfillset(&all);
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, 1u << 20);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    failed = pthread_create(&thread, &attr, serve, &r);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    pthread_attr_destroy(&attr);
    if (failed == 0)
        pthread_join(thread, NULL);
    return r.found;
}

/* The linker's symbols for the host program's first and last bytes. */
extern char __executable_start[], _end[];

void hal_kernel_image(ULONG_PTR *start, ULONG_PTR *size)
{
    *start = (ULONG_PTR)__executable_start;
    *size = (ULONG_PTR)(_end - __executable_start);
}
