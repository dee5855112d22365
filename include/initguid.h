/*
 * initguid.h: include it before the headers whose DEFINE_GUIDs this file
 * is to define (not only declare).
 */
#define INITGUID
#include <guiddef.h>
