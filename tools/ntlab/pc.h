/*
 * The pc platform from the host's side (pc.c): ntlab --platform pc boots
 * build/pc/ntlab.elf under qemu-system-i386 with the options given.
 */
#ifndef NTLAB_PC_H
#define NTLAB_PC_H

#include "../../hal/hosted/hosted.h"

/* Boots the pc machine for opts's command and returns the exit status
 * ntlab gives (the kernel's, as on the hosted platform). */
int pc_run(const hosted_options *opts);

#endif
