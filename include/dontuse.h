/*
 * dontuse.h: in the WDK, this header marks the C string routines that do
 * not take a buffer size (strcpy, strcat, sprintf ...) deprecated, so that
 * a driver that still calls them gets a warning and moves to ntstrsafe.h.
 * ntlab marks nothing: including it is accepted and changes nothing.
 */
#ifndef DONTUSE_H
#define DONTUSE_H
#endif
