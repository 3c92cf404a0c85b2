/*
 * /proc/TID for a thread that is not the leader: the directory exists
 * (though readdir of /proc does not list it) and shows that thread's own
 * view: status Pid and Tgid, stat's first field, comm.
 */
#include <dirent.h>
#include <pthread.h>

#include "guest.h"

static long
status_field(const char *path, const char *key)
{
	char line[256];
	long v = -1;
	FILE *f = fopen(path, "r");

	while (f && fgets(line, sizeof(line), f))
		if (strncmp(line, key, strlen(key)) == 0)
			v = atol(line + strlen(key));
	if (f)
		fclose(f);
	return v;
}

static int
listed(long tid)
{
	DIR *d = opendir("/proc");
	struct dirent *e;
	int found = 0;

	while (d && (e = readdir(d)))
		found |= atol(e->d_name) == tid;
	if (d)
		closedir(d);
	return found;
}

static void *
thread(void *arg)
{
	long tid = syscall(SYS_gettid);
	char path[64], buf[64] = { 0 };
	long first = 0;
	FILE *f;
	int fd;

	(void)arg;
	pthread_setname_np(pthread_self(), "worker");
	snprintf(path, sizeof(path), "/proc/%ld/status", tid);
	CHECK(status_field(path, "Pid:") == tid, "/proc/TID/status: Pid is the thread's");
	CHECK(status_field(path, "Tgid:") == getpid(), "/proc/TID/status: Tgid is the process's");
	snprintf(path, sizeof(path), "/proc/%ld/stat", tid);
	if ((f = fopen(path, "r")) != NULL) {
		if (fscanf(f, "%ld", &first) != 1)
			first = 0;
		fclose(f);
	}
	CHECK(first == tid, "/proc/TID/stat: the thread's id first");
	snprintf(path, sizeof(path), "/proc/%ld/comm", tid);
	fd = OK(open(path, O_RDONLY));
	OK(read(fd, buf, sizeof(buf) - 1));
	close(fd);
	CHECK(strcmp(buf, "worker\n") == 0, "/proc/TID/comm: the thread's name");
	snprintf(path, sizeof(path), "/proc/%ld/task", tid);
	CHECK(access(path, F_OK) == 0, "/proc/TID/task exists");
	CHECK(!listed(tid), "readdir of /proc does not list the thread");
	CHECK(listed(getpid()), "but lists the process");
	return NULL;
}

int
main(void)
{
	pthread_t t;

	pthread_create(&t, NULL, thread, NULL);
	pthread_join(t, NULL);
	return 0;
}
