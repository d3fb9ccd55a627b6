/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * What exec says of files it cannot run, and how a file it takes but
 * cannot build ends: each case is exec'd in a child and the parent
 * prints the errno (or the child's end).  The files are made in the
 * working directory from this very program: truncated, another machine
 * or class or type, bad program headers, no PT_LOAD, a PT_INTERP that is
 * missing, unterminated, not ELF, another machine, short, not executable;
 * files open for writing, not executable, directories; argv too long or
 * unreadable (those come before the format); execveat's flags; #! lines.
 * Run natively and under lxrun --loader=elf, the lines must be the same.
 */
#define _GNU_SOURCE
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static unsigned char *self;
static size_t self_len;
static char **env;

static void
load(const char *path, unsigned char **buf, size_t *len)
{
	int fd = open(path, O_RDONLY);
	struct stat st;

	if (fd < 0 || fstat(fd, &st) < 0) {
		perror(path);
		exit(2);
	}
	*len = (size_t)st.st_size;
	*buf = malloc(*len);
	if (pread(fd, *buf, *len, 0) != (ssize_t)*len)
		exit(2);
	close(fd);
}

static void
put(const char *name, const void *buf, size_t len, mode_t mode)
{
	int fd;

	unlink(name);
	fd = open(name, O_WRONLY | O_CREAT | O_TRUNC, mode);
	if (fd < 0 || write(fd, buf, len) != (ssize_t)len) {
		perror(name);
		exit(2);
	}
	close(fd);
	chmod(name, mode);
}

static void
put_text(const char *name, const char *text, mode_t mode)
{
	put(name, text, strlen(text), mode);
}

static Elf64_Phdr *
phdr(unsigned char *img, int i)
{
	Elf64_Ehdr *h = (Elf64_Ehdr *)img;

	return (Elf64_Phdr *)(img + h->e_phoff) + i;
}

static Elf64_Phdr *
find(unsigned char *img, uint32_t type)
{
	for (int i = 0; i < ((Elf64_Ehdr *)img)->e_phnum; i++)
		if (phdr(img, i)->p_type == type)
			return phdr(img, i);
	return NULL;
}

/* A copy of this program, changed by fn. */
static void
variant(const char *name, void (*fn)(unsigned char *), size_t len)
{
	unsigned char *c = malloc(self_len);

	memcpy(c, self, self_len);
	if (fn != NULL)
		fn(c);
	put(name, c, len ? len : self_len, 0755);
	free(c);
}

static void set_machine(unsigned char *c) { ((Elf64_Ehdr *)c)->e_machine = EM_AARCH64; }
static void set_class32(unsigned char *c) { c[EI_CLASS] = ELFCLASS32; }
static void set_classnone(unsigned char *c) { c[EI_CLASS] = ELFCLASSNONE; }
static void set_msb(unsigned char *c) { c[EI_DATA] = ELFDATA2MSB; }
static void set_rel(unsigned char *c) { ((Elf64_Ehdr *)c)->e_type = ET_REL; }
static void set_phentsize(unsigned char *c) { ((Elf64_Ehdr *)c)->e_phentsize = 32; }
static void set_phnum0(unsigned char *c) { ((Elf64_Ehdr *)c)->e_phnum = 0; }

static void
set_noload(unsigned char *c)
{
	for (int i = 0; i < ((Elf64_Ehdr *)c)->e_phnum; i++)
		if (phdr(c, i)->p_type == PT_LOAD)
			phdr(c, i)->p_type = PT_NULL;
}

static const char *interp_path;

static void
set_interp(unsigned char *c)
{
	Elf64_Phdr *p = find(c, PT_INTERP);

	memset(c + p->p_offset, 0, p->p_filesz);
	memcpy(c + p->p_offset, interp_path, strlen(interp_path));
}

static void
set_interp_unterminated(unsigned char *c)
{
	Elf64_Phdr *p = find(c, PT_INTERP);

	c[p->p_offset + p->p_filesz - 1] = 'x';
}

static void
set_interp_beyond(unsigned char *c)
{
	find(c, PT_INTERP)->p_offset = self_len + 4096;
}

/* exec path (or execveat) in a child: print the errno or how it ended. */
static void
try_at(const char *label, int dirfd, const char *path, char **argv,
    char **envp, int flags, bool at)
{
	int p[2], err = 0, st;
	pid_t pid;

	fflush(stdout);
	if (pipe2(p, O_CLOEXEC) < 0)
		exit(2);
	if ((pid = fork()) == 0) {
		if (at)
			syscall(SYS_execveat, dirfd, path, argv, envp, flags);
		else
			execve(path, argv, envp);
		err = errno;
		(void)!write(p[1], &err, sizeof(err));
		_exit(127);
	}
	close(p[1]);
	if (read(p[0], &err, sizeof(err)) == (ssize_t)sizeof(err)) {
		printf("%s: %s\n", label, strerrorname_np(err));
		waitpid(pid, &st, 0);
	} else {
		waitpid(pid, &st, 0);
		if (WIFEXITED(st))
			printf("%s: ran, exit %d\n", label, WEXITSTATUS(st));
		else
			printf("%s: ran, killed by %s\n", label,
			    sigabbrev_np(WTERMSIG(st)));
	}
	close(p[0]);
}

static void
try(const char *label, const char *path)
{
	char *argv[] = { (char *)path, "--exit", "7", NULL };

	try_at(label, AT_FDCWD, path, argv, env, 0, false);
}

int
main(int argc, char **argv, char **envp)
{
	unsigned char *ld;
	size_t ld_len;
	static char *huge[120001];
	char big[101];
	int fd;

	if (argc >= 3 && strcmp(argv[1], "--exit") == 0) {
		/* a copy run by a case: say how it was called, exit as told */
		printf("    argv:");
		for (int i = 0; i < argc; i++)
			printf(" [%s]", argv[i]);
		printf("\n");
		return atoi(argv[argc - 1]);
	}
	if (argc > 1)
		return 99;
	env = envp;
	load("/proc/self/exe", &self, &self_len);
	load("/lib64/ld-linux-x86-64.so.2", &ld, &ld_len);

	try("missing", "./nope");
	try("missing dir", "./nodir/prog");
	try("not a dir", "/proc/self/exe/x");
	try("directory", ".");
	try("device", "/dev/null");
	variant("good", NULL, 0);
	try("good copy", "./good");
	variant("noexec", NULL, 0);
	chmod("noexec", 0644);
	try("no x bit", "./noexec");
	put_text("empty", "", 0755);
	try("empty file", "./empty");
	put_text("text", "hello\n", 0755);
	try("text file", "./text");
	variant("trunc100", NULL, 100);
	try("truncated in the headers", "./trunc100");
	variant("trunc3000", NULL, 3000);
	try("truncated in the segments", "./trunc3000");
	variant("machine", set_machine, 0);
	try("another machine", "./machine");
	variant("class32", set_class32, 0);
	try("ELFCLASS32", "./class32");
	variant("classnone", set_classnone, 0);
	try("ELFCLASSNONE", "./classnone");
	variant("msb", set_msb, 0);
	try("big-endian", "./msb");
	variant("rel", set_rel, 0);
	try("ET_REL", "./rel");
	variant("phentsize", set_phentsize, 0);
	try("bad e_phentsize", "./phentsize");
	variant("phnum0", set_phnum0, 0);
	try("no program headers", "./phnum0");
	variant("noload", set_noload, 0);
	try("no PT_LOAD", "./noload");

	/* PT_INTERP */
	interp_path = "./no-such-interp";
	variant("interp-missing", set_interp, 0);
	try("interpreter missing", "./interp-missing");
	interp_path = "./interp";
	variant("interp-text", set_interp, 0);
	put_text("interp", "not an ELF file\n", 0755);
	try("interpreter not ELF", "./interp-text");
	put("interp", ld, 10, 0755);
	try("interpreter short", "./interp-text");
	((Elf64_Ehdr *)ld)->e_machine = EM_386;
	put("interp", ld, ld_len, 0755);
	try("interpreter of another machine", "./interp-text");
	((Elf64_Ehdr *)ld)->e_machine = EM_X86_64;
	((Elf64_Ehdr *)ld)->e_phentsize = 0;
	put("interp", ld, ld_len, 0755);
	try("interpreter with bad headers", "./interp-text");
	((Elf64_Ehdr *)ld)->e_phentsize = sizeof(Elf64_Phdr);
	put("interp", ld, ld_len, 0644);
	try("interpreter not executable", "./interp-text");
	unlink("interp");
	mkdir("interp", 0755);
	try("interpreter a directory", "./interp-text");
	rmdir("interp");
	put("interp", ld, ld_len, 0755);
	try("interpreter a copy", "./interp-text");
	variant("interp-unterm", set_interp_unterminated, 0);
	try("PT_INTERP unterminated", "./interp-unterm");
	variant("interp-beyond", set_interp_beyond, 0);
	try("PT_INTERP beyond the end", "./interp-beyond");

	/* open for writing */
	fd = open("good", O_WRONLY);
	try("open for writing", "./good");
	close(fd);
	try("closed again", "./good");

	/* argv and envp come before the format, after the file */
	memset(big, 'a', 100);
	big[100] = '\0';
	huge[0] = "./good";
	for (int i = 1; i < 120000; i++)
		huge[i] = big;
	try_at("argv too long", AT_FDCWD, "./good", huge, env, 0, false);
	try_at("argv too long, bad format", AT_FDCWD, "./machine", huge, env,
	    0, false);
	try_at("argv too long, no file", AT_FDCWD, "./nope", huge, env, 0,
	    false);
	try_at("argv unreadable, bad format", AT_FDCWD, "./machine",
	    (char **)8, env, 0, false);
	try_at("envp unreadable, ELF", AT_FDCWD, "./good", (char *[]){
	    "x", NULL }, (char **)8, 0, false);
	try_at("argv entry unreadable", AT_FDCWD, "./text", (char *[]){
	    "x", (char *)8, NULL }, env, 0, false);

	/* execveat */
	fd = open("good", O_RDONLY);
	try_at("execveat AT_EMPTY_PATH", fd, "", (char *[]){ "good",
	    "--exit", "3", NULL }, env, AT_EMPTY_PATH, true);
	try_at("execveat no AT_EMPTY_PATH", fd, "", (char *[]){ "good",
	    NULL }, env, 0, true);
	try_at("execveat bad flags", fd, "", (char *[]){ "good", NULL }, env,
	    0x8, true);
	close(fd);
	fd = open(".", O_RDONLY | O_DIRECTORY);
	try_at("execveat relative", fd, "good", (char *[]){ "good",
	    "--exit", "4", NULL }, env, 0, true);
	symlink("good", "link");
	try_at("execveat nofollow symlink", fd, "link", (char *[]){ "l",
	    NULL }, env, AT_SYMLINK_NOFOLLOW, true);
	try_at("execveat nofollow file", fd, "good", (char *[]){ "l",
	    "--exit", "5", NULL }, env, AT_SYMLINK_NOFOLLOW, true);
	try_at("execveat bad dirfd", 99, "good", (char *[]){ "l", NULL },
	    env, 0, true);
	close(fd);

	/* #! lines */
	put_text("s-empty", "#!", 0755);
	try("#! alone", "./s-empty");
	put_text("s-nl", "#!\n", 0755);
	try("#! and a newline", "./s-nl");
	put_text("s-missing", "#!./nope\n", 0755);
	try("#! missing interpreter", "./s-missing");
	put_text("s-dir", "#!/tmp\n", 0755);
	try("#! a directory", "./s-dir");
	put_text("s-text", "#!./text\n", 0755);
	try("#! a text file", "./s-text");
	put_text("s-noexec", "#!./noexec\n", 0755);
	try("#! not executable", "./s-noexec");
	put_text("s-badelf", "#!./machine\n", 0755);
	try("#! another machine", "./s-badelf");
	put_text("s0", "#!./good --exit\n", 0755);
	for (int i = 1; i <= 6; i++) {
		char name[16], text[32], label[32];

		snprintf(name, sizeof(name), "s%d", i);
		snprintf(text, sizeof(text), "#!./s%d\n", i - 1);
		put_text(name, text, 0755);
		snprintf(label, sizeof(label), "#! chain of %d", i + 1);
		snprintf(text, sizeof(text), "./s%d", i);
		try(label, text);
	}
	fd = open("s0", O_RDONLY | O_CLOEXEC);
	try_at("#! by a close-on-exec fd", fd, "", (char *[]){ "s0", "9",
	    NULL }, env, AT_EMPTY_PATH, true);
	close(fd);
	fd = open("s0", O_RDONLY);
	try_at("#! by an fd", fd, "", (char *[]){ "s0", "9", NULL }, env,
	    AT_EMPTY_PATH, true);
	close(fd);
	return 0;
}
