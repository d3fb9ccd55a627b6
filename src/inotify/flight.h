/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Traced calls between their entry and exit stops (flight.c), and what
 * their host notes will be, for the batches that run meanwhile.
 */
#ifndef LXRUN_INOTIFY_FLIGHT_H
#define LXRUN_INOTIFY_FLIGHT_H

#include <stdbool.h>
#include <stdint.h>

#define INO_FLIGHT_IDS 4

struct ino_flight {
	struct ino_flight *next;
	int tid;
	int n;
	struct {
		uint64_t dev, ino;
		uint32_t notes;		/* HQ_NOTE_* the call explains */
	} id[INO_FLIGHT_IDS];
	bool blind;			/* a directory it changes is unknown */
};

/* The call of thread tid is in flight (a previous one of tid is over). */
struct ino_flight *ino_flight_begin(int tid);
void ino_flight_add(struct ino_flight *f, uint64_t dev, uint64_t ino,
    uint32_t notes);
struct ino_flight *ino_flight_of(int tid);
void ino_flight_strike(const struct ino_flight *f);
void ino_flight_end(int tid);

#endif
