/*
 * DriverSpecs.h: the WDK's header of driver source annotations, which a
 * program that shares headers with its driver may include. They are SAL
 * and expand to nothing (nt/sal.h).
 */
#ifndef NTLAB_DRIVERSPECS_H
#define NTLAB_DRIVERSPECS_H

#include <nt/sal.h>

#endif
