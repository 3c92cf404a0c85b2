/*
 * A musl program, built dynamically linked (PT_INTERP
 * /lib/ld-musl-x86_64.so.1, with libmusl_dep.so as DT_NEEDED) as a PIE or
 * not, or as a static PIE (-DSTATIC); tests/musl.bats also runs it through
 * the loader directly.  It prints what it learns of its start: arguments,
 * environment, the auxiliary vector, the objects the loader mapped, TLS in
 * the program, its library and a dlopen'ed plugin, a thread, a child.
 * Nothing printed depends on addresses or ids, so the output must be the
 * same natively and in umk.
 */
#include <dlfcn.h>
#include <elf.h>
#include <link.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;
extern char _start[];

static __thread int main_tls = 42;
static __thread char aligned_tls[64] __attribute__((aligned(64))) = "x";

#ifdef STATIC
/* What libmusl_dep.so gives the dynamic builds. */
static __thread int dep_tls = 7;

static int
dep_add(int a, int b)
{
	return a + b + dep_tls;
}
#else
extern __thread int dep_tls;
int dep_add(int a, int b);
#endif

static int (*plug_bump)(void);

static const char *
yes(int cond)
{
	return cond ? "yes" : "no";
}

static const char *
base_name(const char *path)
{
	const char *s = path ? strrchr(path, '/') : NULL;

	return s ? s + 1 : path ? path : "(null)";
}

static void
args_and_env(int argc, char **argv)
{
	printf("argc %d, argv[0] %s\n", argc, base_name(argv[0]));
	for (int i = 1; i < argc; i++)
		printf("argv[%d] '%s'\n", i, argv[i]);
	for (char **e = environ; *e; e++)
		printf("env '%s'\n", *e);
}

/* The main program's headers, as the loader lists them first. */
static int
first_object(struct dl_phdr_info *info, size_t size, void *arg)
{
	*(struct dl_phdr_info *)arg = *info;
	return 1;
}

static int
print_object(struct dl_phdr_info *info, size_t size, void *arg)
{
	int tls = 0;

	for (int i = 0; i < info->dlpi_phnum; i++)
		tls |= info->dlpi_phdr[i].p_type == PT_TLS;
	printf("object %d: '%s', relocated %s, TLS %s\n", ++*(int *)arg,
	       base_name(info->dlpi_name), yes(info->dlpi_addr != 0),
	       yes(tls));
	return 0;
}

static void
auxv(void)
{
	struct dl_phdr_info main_obj;
	const char *vdso = (const char *)getauxval(AT_SYSINFO_EHDR);
	unsigned long base = getauxval(AT_BASE);
	int n = 0;
	Dl_info di;

	dl_iterate_phdr(first_object, &main_obj);
	printf("AT_PAGESZ %lu, AT_CLKTCK %lu, AT_SECURE %lu\n",
	       getauxval(AT_PAGESZ), getauxval(AT_CLKTCK), getauxval(AT_SECURE));
	printf("AT_PHDR is the program's headers: %s, AT_PHNUM: %s\n",
	       yes(getauxval(AT_PHDR) == (unsigned long)main_obj.dlpi_phdr),
	       yes(getauxval(AT_PHNUM) == main_obj.dlpi_phnum));
	printf("AT_ENTRY is _start: %s\n",
	       yes(getauxval(AT_ENTRY) == (unsigned long)_start));
	if (base == 0)
		printf("AT_BASE is 0\n");
	else
		printf("AT_BASE is libc's base: %s\n",
		       yes(dladdr((void *)printf, &di) &&
			   (unsigned long)di.dli_fbase == base));
	printf("AT_UID/EUID/GID/EGID are the ids: %s\n",
	       yes(getauxval(AT_UID) == getuid() &&
		   getauxval(AT_EUID) == geteuid() &&
		   getauxval(AT_GID) == getgid() &&
		   getauxval(AT_EGID) == getegid()));
	printf("AT_RANDOM: %s, AT_HWCAP: %s, AT_PLATFORM %s\n",
	       yes(getauxval(AT_RANDOM) != 0), yes(getauxval(AT_HWCAP) != 0),
	       (const char *)getauxval(AT_PLATFORM));
	printf("AT_SYSINFO_EHDR is an ELF header: %s\n",
	       yes(vdso && memcmp(vdso, ELFMAG, SELFMAG) == 0));
	printf("AT_EXECFN %s\n", base_name((const char *)getauxval(AT_EXECFN)));
	dl_iterate_phdr(print_object, &n);
}

static void
exe(void)
{
	char buf[4096];
	ssize_t n = readlink("/proc/self/exe", buf, sizeof(buf) - 1);

	buf[n > 0 ? n : 0] = 0;
	printf("/proc/self/exe %s\n", base_name(buf));
}

static void
plugin(void)
{
	const char *(*hello)(void);
	void *h;

	if (!dlopen("libnothere.so", RTLD_NOW))
		printf("dlopen of a missing library: %s\n", dlerror());
	h = dlopen("libmusl_plug.so", RTLD_NOW);
	if (!h) {
		printf("dlopen: %s\n", dlerror());
		return;
	}
	hello = (const char *(*)(void))dlsym(h, "plug_hello");
	plug_bump = (int (*)(void))dlsym(h, "plug_bump");
	printf("dlsym: %s\n", hello ? hello() : dlerror());
	printf("plugin TLS %d\n", plug_bump());
	printf("dladdr names the plugin: %s\n",
	       yes(dladdr((void *)hello, &(Dl_info){ 0 })));
}

static void *
thread_main(void *arg)
{
	char *out = arg;

	snprintf(out, 256,
		 "thread: own TLS %d %d, aligned %s, plugin TLS %d, tid is not pid: %s",
		 main_tls, dep_tls,
		 yes((uintptr_t)aligned_tls % 64 == 0),
		 plug_bump ? plug_bump() : 0,
		 yes(syscall(SYS_gettid) != getpid()));
	main_tls = 1;
	dep_tls = 2;
	return NULL;
}

static void
tls_and_thread(void)
{
	char out[256];
	pthread_t th;

	main_tls++;
	dep_tls++;
	printf("TLS %d %d, aligned %s, dep_add %d\n", main_tls,
	       dep_tls, yes((uintptr_t)aligned_tls % 64 == 0),
	       dep_add(1, 2));
	if (pthread_create(&th, NULL, thread_main, out) != 0 ||
	    pthread_join(th, NULL) != 0) {
		printf("pthread failed\n");
		return;
	}
	printf("%s\n", out);
	printf("after the thread: TLS %d %d, plugin TLS %d\n", main_tls,
	       dep_tls, plug_bump ? plug_bump() : 0);
}

static void
child(void)
{
	pid_t me = getpid(), pid;
	int st = 0;

	fflush(stdout);
	if ((pid = fork()) == 0)
		_exit(getppid() == me ? 0 : 1);
	waitpid(pid, &st, 0);
	printf("child: getppid is the parent's getpid: %s; tid is pid: %s\n",
	       yes(pid > 0 && WIFEXITED(st) && WEXITSTATUS(st) == 0),
	       yes(syscall(SYS_gettid) == me));
}

int
main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	args_and_env(argc, argv);
	auxv();
	exe();
	plugin();
	tls_and_thread();
	child();
	return 0;
}
