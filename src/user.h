/* SPDX-License-Identifier: BSD-2-Clause */
/* -u USER's ids, as the system's name service gives them (src/user.c). */
#ifndef LXRUN_USER_H
#define LXRUN_USER_H

#include <stddef.h>
#include <sys/types.h>

struct user_ids {
	uid_t uid;
	gid_t gid;
	gid_t *groups;		/* the primary group first, as getgrouplist */
	int ngroups;
};

/* 0, or -1 with a message in err ("cannot find user 'x'"...). */
int user_lookup(const char *name, struct user_ids *u, char *err,
    size_t errlen);
void user_ids_free(struct user_ids *u);

#endif
