/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * HQ_VNODE of the host event queue: exactly the notes a NetBSD 10 kqueue
 * gives for a watched file or directory, coalesced per registration.
 */
#include "hq_fixture.h"

#define ALL_NOTES (HQ_NOTE_DELETE | HQ_NOTE_WRITE | HQ_NOTE_EXTEND | \
    HQ_NOTE_ATTRIB | HQ_NOTE_LINK | HQ_NOTE_RENAME | HQ_NOTE_REVOKE)
#define IO_NOTES (HQ_NOTE_OPEN | HQ_NOTE_CLOSE | HQ_NOTE_CLOSE_WRITE | \
    HQ_NOTE_READ)


static int
vnode_file(struct fix *f, const char *name, uint32_t notes)
{
	int fd = open(in_dir(f, name), O_RDONLY | O_CREAT, 0644);

	assert_true(fd >= 0);
	assert_int_equal(add(f->q, fd, HQ_VNODE, HQ_CLEAR, notes), 0);
	return fd;
}

static uint32_t
vnode_notes(struct fix *f, int fd)
{
	struct hq_event ev = one(f->q, 1000 * MS);

	assert_int_equal(ev.filter, HQ_VNODE);
	assert_int_equal(ev.ident, fd);
	return ev.fflags;
}

static void
test_vnode_write_extend_coalesce(void **state)
{
	struct fix *f = *state;
	int fd = vnode_file(f, "f", ALL_NOTES), w, i;

	w = open(f->path, O_WRONLY);
	none(f->q);
	for (i = 0; i < 100; i++)
		put(w, "line\n");
	assert_int_equal(vnode_notes(f, fd), HQ_NOTE_WRITE | HQ_NOTE_EXTEND);
	none(f->q);
	assert_int_equal(pwrite(w, "LINE", 4, 0), 4);	/* no growth */
	assert_int_equal(vnode_notes(f, fd), HQ_NOTE_WRITE);
	none(f->q);
	close(w);
	close(fd);
}

static void
test_vnode_attrib_link_delete(void **state)
{
	struct fix *f = *state;
	char other[160];
	int fd = vnode_file(f, "f", ALL_NOTES);

	assert_int_equal(chmod(f->path, 0600), 0);
	assert_int_equal(vnode_notes(f, fd), HQ_NOTE_ATTRIB);
	snprintf(other, sizeof(other), "%s/g", f->dir);
	assert_int_equal(link(in_dir(f, "f"), other), 0);
	assert_int_equal(vnode_notes(f, fd), HQ_NOTE_LINK);
	assert_int_equal(unlink(other), 0);
	assert_int_equal(vnode_notes(f, fd), HQ_NOTE_LINK);
	none(f->q);
	assert_int_equal(unlink(in_dir(f, "f")), 0);	/* held open */
	assert_int_equal(vnode_notes(f, fd), HQ_NOTE_LINK | HQ_NOTE_DELETE);
	none(f->q);
	close(fd);
	none(f->q);
}

static void
test_vnode_rename(void **state)
{
	struct fix *f = *state;
	char to[160];
	int fd = vnode_file(f, "f", ALL_NOTES);

	snprintf(to, sizeof(to), "%s/h", f->dir);
	assert_int_equal(rename(in_dir(f, "f"), to), 0);
	assert_int_equal(vnode_notes(f, fd), HQ_NOTE_RENAME);
	none(f->q);
	close(fd);
}

static void
test_vnode_rename_over(void **state)
{
	struct fix *f = *state;
	char from[160];
	int fd = vnode_file(f, "victim", ALL_NOTES), g;

	snprintf(from, sizeof(from), "%s/new", f->dir);
	g = open(from, O_WRONLY | O_CREAT, 0644);
	close(g);
	assert_int_equal(rename(from, in_dir(f, "victim")), 0);
	assert_int_equal(vnode_notes(f, fd), HQ_NOTE_LINK | HQ_NOTE_DELETE);
	close(fd);
}

static void
test_vnode_open_read_close(void **state)
{
	struct fix *f = *state;
	int fd = vnode_file(f, "f", IO_NOTES), o;
	char c;

	o = open(f->path, O_WRONLY);
	put(o, "data");
	close(o);
	assert_int_equal(vnode_notes(f, fd),
	    HQ_NOTE_OPEN | HQ_NOTE_CLOSE_WRITE);
	o = open(f->path, O_RDONLY);
	assert_int_equal(vnode_notes(f, fd), HQ_NOTE_OPEN);
	assert_int_equal(read(o, &c, 1), 1);
	assert_int_equal(vnode_notes(f, fd), HQ_NOTE_READ);
	close(o);
	assert_int_equal(vnode_notes(f, fd), HQ_NOTE_CLOSE);
	o = open(f->path, O_WRONLY);
	close(o);
	assert_int_equal(vnode_notes(f, fd),
	    HQ_NOTE_OPEN | HQ_NOTE_CLOSE_WRITE);
	none(f->q);
	close(fd);
}

static void
test_vnode_only_asked_notes(void **state)
{
	struct fix *f = *state;
	int fd = vnode_file(f, "f", HQ_NOTE_DELETE), w;

	w = open(f->path, O_WRONLY);
	put(w, "data");
	assert_int_equal(chmod(f->path, 0600), 0);
	none(f->q);
	close(w);
	assert_int_equal(unlink(f->path), 0);
	assert_int_equal(vnode_notes(f, fd), HQ_NOTE_DELETE);
	close(fd);
}

static void
test_vnode_directory(void **state)
{
	struct fix *f = *state;
	char a[160], b[160];
	int d = open(f->dir, O_RDONLY | O_DIRECTORY), g;

	assert_true(d >= 0);
	assert_int_equal(add(f->q, d, HQ_VNODE, HQ_CLEAR, ALL_NOTES), 0);
	snprintf(a, sizeof(a), "%s/a", f->dir);
	snprintf(b, sizeof(b), "%s/b", f->dir);
	g = open(a, O_WRONLY | O_CREAT, 0644);
	assert_int_equal(vnode_notes(f, d), HQ_NOTE_WRITE);
	put(g, "content");		/* a child's data: not the directory */
	close(g);
	none(f->q);
	assert_int_equal(rename(a, b), 0);
	assert_int_equal(vnode_notes(f, d), HQ_NOTE_WRITE);
	assert_int_equal(unlink(b), 0);
	assert_int_equal(vnode_notes(f, d), HQ_NOTE_WRITE);
	assert_int_equal(mkdir(a, 0755), 0);
	assert_int_equal(vnode_notes(f, d), HQ_NOTE_WRITE | HQ_NOTE_LINK);
	assert_int_equal(rmdir(a), 0);
	assert_int_equal(vnode_notes(f, d), HQ_NOTE_WRITE | HQ_NOTE_LINK);
	none(f->q);
	close(d);
}

static void
test_vnode_rmdir_held(void **state)
{
	struct fix *f = *state;
	char sub[160], to[160];
	int d;

	snprintf(sub, sizeof(sub), "%s/sub", f->dir);
	assert_int_equal(mkdir(sub, 0755), 0);
	d = open(sub, O_RDONLY | O_DIRECTORY);
	assert_int_equal(add(f->q, d, HQ_VNODE, HQ_CLEAR, ALL_NOTES), 0);
	/* Moved first: the removal must be seen under its new parent. */
	snprintf(to, sizeof(to), "%s/deeper", f->dir);
	assert_int_equal(mkdir(to, 0755), 0);
	snprintf(to, sizeof(to), "%s/deeper/sub", f->dir);
	assert_int_equal(rename(sub, to), 0);
	assert_int_equal(vnode_notes(f, d), HQ_NOTE_RENAME);
	assert_int_equal(rmdir(to), 0);
	assert_int_equal(vnode_notes(f, d) & HQ_NOTE_DELETE, HQ_NOTE_DELETE);
	none(f->q);
	close(d);
}

static void
test_vnode_two_fds_one_inode(void **state)
{
	struct fix *f = *state;
	struct hq_event ev[4];
	char other[160];
	int a = vnode_file(f, "f", HQ_NOTE_WRITE), b, w;

	snprintf(other, sizeof(other), "%s/hard", f->dir);
	assert_int_equal(link(in_dir(f, "f"), other), 0);
	b = open(other, O_RDONLY);
	assert_int_equal(add(f->q, b, HQ_VNODE, HQ_CLEAR, HQ_NOTE_WRITE), 0);
	w = open(other, O_WRONLY);
	put(w, "x");
	assert_int_equal(hq_wait(f->q, ev, 4, 1000 * MS), 2);
	assert_int_equal(ev[0].fflags, HQ_NOTE_WRITE);
	assert_int_equal(ev[1].fflags, HQ_NOTE_WRITE);
	assert_int_equal(change(f->q, a, HQ_VNODE, HQ_DELETE, 0, 0, NULL), 0);
	put(w, "y");
	assert_int_equal(vnode_notes(f, b), HQ_NOTE_WRITE);
	close(w);
	close(a);
	close(b);
}

/* A watched fd closed and its number reused by another file. */
static void
test_vnode_closed_fd_reused(void **state)
{
	struct fix *f = *state;
	char other[160];
	int fd = vnode_file(f, "f", HQ_NOTE_WRITE), g, w;

	snprintf(other, sizeof(other), "%s/g", f->dir);
	g = open(other, O_RDWR | O_CREAT, 0644);
	w = open(f->path, O_WRONLY);
	close(fd);
	assert_int_equal(dup2(g, fd), fd);
	put(w, "to the old file");
	put(g, "to the new file");
	none(f->q);
	assert_int_equal(change(f->q, fd, HQ_VNODE, HQ_DELETE, 0, 0, NULL),
	    -ENOENT);
	close(w);
	close(g);
	close(fd);
}

/* --- TIMER, USER, SIGNAL, PROC ----------------------------------------- */


int
main(void)
{
	const struct CMUnitTest tests[] = {
#define T(t) cmocka_unit_test_setup_teardown(t, setup, teardown)
		T(test_vnode_write_extend_coalesce),
		T(test_vnode_attrib_link_delete),
		T(test_vnode_rename),
		T(test_vnode_rename_over),
		T(test_vnode_open_read_close),
		T(test_vnode_only_asked_notes),
		T(test_vnode_directory),
		T(test_vnode_rmdir_held),
		T(test_vnode_two_fds_one_inode),
		T(test_vnode_closed_fd_reused),
#undef T
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
