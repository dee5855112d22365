/*
 * kd's object commands (kd.h): !object and !handle. Object headers, names
 * and handle tables may be in paged pool: every field is copied out with
 * kd_read first, and what is not resident is said so, never touched.
 */
#include "kd.h"

#include "../ex/ex.h"
#include "../ob/ob.h"
#include "../ps/ps.h"
#include "../rtl/rtl.h"

/* The handles !handle looks at in one table, at most. */
#define MAX_SCAN 65536u

/* Copies a counted UTF-16 string from guest memory as ASCII ('?' for the
 * rest); FALSE when it is not readable. */
static BOOLEAN read_name(const UNICODE_STRING *s, char *buf, ULONG size)
{
    WCHAR w[64];
    ULONG n = s->Length / sizeof(WCHAR), i;

    buf[0] = '\0';
    if (n > ARRAYSIZE(w))
        n = ARRAYSIZE(w);
    if (n == 0)
        return TRUE;
    /* The buffer is in the window, or a constant in nt's image. */
    if (s->Buffer == NULL ||
        (!HAL_PTR_IN_WINDOW(s->Buffer) &&
         kd_system_address((ULONG_PTR)s->Buffer) == (ULONG_PTR)s->Buffer) ||
        kd_read(kd_va(s->Buffer), w, n * sizeof(WCHAR)) != n * sizeof(WCHAR))
        return FALSE;
    for (i = 0; i < n && i + 1 < size; i++)
        buf[i] = w[i] < 0x80 && w[i] >= 0x20 ? (char)w[i] : '?';
    buf[i] = '\0';
    return TRUE;
}

/* True when a pool block holds exactly an object header at header_va
 * (objects are pool blocks that start with their header). */
static BOOLEAN is_object_block(ULONG header_va)
{
    ex_pool_block blocks[256];
    ULONG n = ex_pool_page_blocks(header_va, blocks, ARRAYSIZE(blocks)), i;

    for (i = 0; i < n; i++)
        if (blocks[i].state == EX_POOL_ALLOCATED &&
            (blocks[i].large ? blocks[i].va : blocks[i].va + 16) == header_va)
            return TRUE;
    return FALSE;
}

/* Copies the header and type of the object whose body is at va; FALSE
 * when va is not an object's body. */
static BOOLEAN read_object(ULONG va, ob_header *h, OBJECT_TYPE *type)
{
    ULONG header_va = va - (ULONG)sizeof *h;

    return va > sizeof *h && is_object_block(header_va) &&
           kd_read(header_va, h, sizeof *h) == sizeof *h && h->type != NULL &&
           HAL_PTR_IN_WINDOW(h->type) &&
           kd_read(kd_va(h->type), type, sizeof *type) == sizeof *type;
}

/* !object's lines for the object at va (indent before each). */
static void print_object(ULONG va, const char *indent)
{
    ob_header h;
    OBJECT_TYPE type;
    char type_name[64], name[64];

    if (!read_object(va, &h, &type)) {
        rtl_print("%s%08x is not an object\n", indent, va);
        return;
    }
    if (!read_name(&type.Name, type_name, sizeof type_name))
        rtl_snprintf(type_name, sizeof type_name, "(not resident)");
    rtl_print("%sObject: %08x  Type: (%08x) %s\n", indent, va, kd_va(h.type),
              type_name);
    rtl_print("%s    ObjectHeader: %08x\n", indent, va - (ULONG)sizeof h);
    rtl_print("%s    HandleCount: %d  PointerCount: %d\n", indent,
              h.handle_count, h.pointer_count);
    if (h.name.Length == 0)
        return;
    if (!read_name(&h.name, name, sizeof name))
        rtl_snprintf(name, sizeof name, "(paged out)");
    rtl_print("%s    Directory Object: %08x  Name: %s\n", indent,
              h.directory != NULL ? kd_va(h.directory) : 0, name);
}

void kd_cmd_object(const kd_break *at, const char *args)
{
    const char *p = args;
    char word[40];
    ULONG va;

    (void)at;
    if (!kd_word(&p, word, sizeof word) || !kd_number(word, &va) ||
        kd_word(&p, word, sizeof word)) {
        kd_syntax_error("!object", args);
        return;
    }
    print_object(va, "");
}

/* One handle's lines: its entry, then its object. */
static void print_handle(ULONG index, ULONG entry_va,
                         const ob_handle_entry *entry)
{
    ULONG body = kd_va(entry->object) + (ULONG)sizeof(ob_header);

    rtl_print("%04x: Object: %08x  GrantedAccess: %08x Entry: %08x\n",
              index * 4, body, entry->granted, entry_va);
    print_object(body, "");
    rtl_print("\n");
}

/* The handles of table (one, or all when handle is 0). */
static void print_table(const ob_handle_table *table_ptr, ULONG handle)
{
    ob_handle_table table;
    ob_handle_entry entry;
    ULONG i, first = 1, last, shown = 0;

    if (kd_read(kd_va(table_ptr), &table, sizeof table) != sizeof table ||
        table.entries == NULL) {
        rtl_print("the handle table at %08x is not resident\n",
                  kd_va(table_ptr));
        return;
    }
    rtl_print("Handle table at %08x with %u entries in use\n\n",
              kd_va(table_ptr), table.count);
    last = table.capacity < MAX_SCAN ? table.capacity : MAX_SCAN;
    if (handle != 0)
        first = last = (handle & 0x7FFFFFFFu) >> 2, last++;
    for (i = first; i < last && i < table.capacity; i++) {
        ULONG at = kd_va(&table.entries[i]);

        if (kd_read(at, &entry, sizeof entry) != sizeof entry) {
            rtl_print("%04x: entry %08x not resident\n", i * 4, at);
            continue;
        }
        if (entry.object != NULL) {
            print_handle(i, at, &entry);
            shown++;
        }
    }
    if (handle != 0 && shown == 0)
        rtl_print("Handle %x is not in use\n", handle);
}

void kd_cmd_handle(const kd_break *at, const char *args)
{
    const char *p = args;
    char word[40];
    ULONG handle = 0, flags = 3, va = 0;
    KTHREAD *thread = kd_current_thread();
    EPROCESS *process =
        thread != NULL
            ? CONTAINING_RECORD(thread->ApcState.Process, EPROCESS, Pcb)
            : NULL;

    (void)at;
    if ((kd_word(&p, word, sizeof word) && !kd_number(word, &handle)) ||
        (kd_word(&p, word, sizeof word) && !kd_number(word, &flags)) ||
        (kd_word(&p, word, sizeof word) && !kd_number(word, &va)) ||
        kd_word(&p, word, sizeof word)) {
        kd_syntax_error("!handle", args);
        return;
    }
    if (va != 0 && (process = kd_find_process(va)) == NULL) {
        rtl_print("%08x is not a process\n", va);
        return;
    }
    if (process == NULL) {
        rtl_print("no process: the break is during boot\n");
        return;
    }
    kd_print_process(process);
    rtl_print("\n");
    if (process->ObjectTable == NULL) {
        rtl_print("%s has no handle table\n", process->ImageFileName);
        return;
    }
    print_table(process->ObjectTable, handle);
}
