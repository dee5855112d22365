/*
 * The system call stubs: one per service of include/nt/services.h. Each
 * puts its arguments in an array and calls the kernel through
 * KUSER_SHARED_DATA's SystemCall slot with the service's number.
 */
#include <ntdll.h>
#include <nt/services.h>

#define NUMBER(type, name, count, params, args) SERVICE_##name,
enum { NTLAB_SERVICES(NUMBER) SERVICE_COUNT };

typedef ULONG_PTR (*system_call)(ULONG number, const ULONG_PTR *args);

/* Each argument as one ULONG_PTR. */
#define ARG(x)                                                            (ULONG_PTR)(x)
#define EACH_1(m, a)                                                      m(a)
#define EACH_2(m, a, ...)                                                 m(a), EACH_1(m, __VA_ARGS__)
#define EACH_3(m, a, ...)                                                 m(a), EACH_2(m, __VA_ARGS__)
#define EACH_4(m, a, ...)                                                 m(a), EACH_3(m, __VA_ARGS__)
#define EACH_5(m, a, ...)                                                 m(a), EACH_4(m, __VA_ARGS__)
#define EACH_6(m, a, ...)                                                 m(a), EACH_5(m, __VA_ARGS__)
#define EACH_7(m, a, ...)                                                 m(a), EACH_6(m, __VA_ARGS__)
#define EACH_8(m, a, ...)                                                 m(a), EACH_7(m, __VA_ARGS__)
#define EACH_9(m, a, ...)                                                 m(a), EACH_8(m, __VA_ARGS__)
#define EACH_10(m, a, ...)                                                m(a), EACH_9(m, __VA_ARGS__)
#define EACH_11(m, a, ...)                                                m(a), EACH_10(m, __VA_ARGS__)
#define EACH_12(m, a, ...)                                                m(a), EACH_11(m, __VA_ARGS__)
#define COUNT(...)                                                        COUNT_(__VA_ARGS__, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0)
#define COUNT_(_1, _2, _3, _4, _5, _6, _7, _8, _9, _10, _11, _12, n, ...) n
#define CAT(a, b)                                                         CAT_(a, b)
#define CAT_(a, b)                                                        a##b
#define ARGS(...)                                                         __VA_OPT__(, CAT(EACH_, COUNT(__VA_ARGS__))(ARG, __VA_ARGS__))

#define STUB(type, name, count, params, args)                     \
    type NTAPI name params                                        \
    {                                                             \
        const ULONG_PTR a[count + 1] = {0 ARGS args};             \
                                                                  \
        return (type)((system_call)USER_SHARED_DATA->SystemCall)( \
            SERVICE_##name, a + 1);                               \
    }

NTLAB_SERVICES(STUB)
