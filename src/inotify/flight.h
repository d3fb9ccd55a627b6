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
	int64_t linger_until;		/* done, waiting for its notes (0: no) */
};

/* The call of thread tid is in flight (a previous one of tid is over). */
struct ino_flight *ino_flight_begin(int tid);
void ino_flight_add(struct ino_flight *f, uint64_t dev, uint64_t ino,
    uint32_t notes);
struct ino_flight *ino_flight_of(int tid);
void ino_flight_strike(const struct ino_flight *f);
void ino_flight_end(int tid);
/*
 * tid's call was seen done (its directory shows it) before its host notes
 * were taken: the flight stays, to strike them, until tid's next stop has
 * synced (ino_flight_end_lingering) or until `until`.
 */
void ino_flight_linger(int tid, int64_t until);
void ino_flight_end_lingering(int tid);

#endif
