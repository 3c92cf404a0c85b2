/*
 * Guest memory access: copy_from_user and friends at the host level.
 *
 * process_vm_readv/writev move data between the kernel and a guest process
 * in one host call and fail cleanly (EFAULT) on unmapped or protected guest
 * memory, which is exactly the guest-visible rule.  A short transfer means
 * some page in the range was bad, so it is an EFAULT too.
 */
#include <errno.h>
#include <string.h>
#include <sys/uio.h>

#include "host/host.h"

int host_task_tid(const struct host_task *ht);

static int
vm_copy(struct host_task *ht, void *local, uint64_t remote, size_t n,
	bool write)
{
	struct iovec l = { local, n }, r = { (void *)remote, n };
	ssize_t done;

	if (n == 0)
		return 0;
	if (remote + n < remote || remote + n > host_task_size())
		return -EFAULT;
	if (write)
		done = process_vm_writev(host_task_tid(ht), &l, 1, &r, 1, 0);
	else
		done = process_vm_readv(host_task_tid(ht), &l, 1, &r, 1, 0);
	return done == (ssize_t)n ? 0 : -EFAULT;
}

int
host_copy_from(struct host_task *ht, void *dst, uint64_t src, size_t n)
{
	return vm_copy(ht, dst, src, n, false);
}

int
host_copy_to(struct host_task *ht, uint64_t dst, const void *src, size_t n)
{
	return vm_copy(ht, (void *)src, dst, n, true);
}

/*
 * Strings are read a page-bounded chunk at a time, so a string that ends
 * just before an unmapped page is still read whole.
 */
long
host_strncpy_from(struct host_task *ht, char *dst, uint64_t src, size_t n)
{
	size_t done = 0;

	while (done < n) {
		size_t chunk = 4096 - ((src + done) & 4095);
		char *nul;

		if (chunk > n - done)
			chunk = n - done;
		if (vm_copy(ht, dst + done, src + done, chunk, false) < 0)
			return -EFAULT;
		if ((nul = memchr(dst + done, 0, chunk)) != NULL)
			return (long)(nul - dst);
		done += chunk;
	}
	return -ENAMETOOLONG;
}
