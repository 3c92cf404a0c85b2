/*
 * sysfs: a small read-only /sys, enough for "mount -t sysfs sysfs /sys"
 * and the probes common programs make (nproc, lsblk-like size lookups,
 * udev-less device numbers, transparent huge page settings).
 *
 *   block/<disk>/{dev,size,ro,removable}   one per block device
 *   class/tty/<name>/dev                   the console devices and ptmx
 *   devices/system/cpu/{online,possible,present,cpu0/}
 *   kernel/mm/transparent_hugepage/{enabled,defrag}
 *   fs/cgroup/, bus/, firmware/, module/, power/   empty
 *
 * The tree reuses procfs's machinery (kernel/fs/proc/proc_int.h): static
 * tables of entries, inodes made fresh by each lookup, text files made
 * whole on read.  The one sysfs-specific part is the directories whose
 * names are devices: their lookups put the device number in the inode's
 * proc_inode.fd slot, which the entries below inherit, so a "dev" or
 * "size" file knows which device it speaks about.  Nothing here is
 * writable; every file is 0444 and chmod fails.
 */
#include <stdlib.h>
#include <string.h>

#include "fs/bdev.h"
#include "fs/proc/proc_int.h"
#include "fs/sysfs.h"

#define SYSFS_MAGIC 0x62656572
#define SYSFS_ROOT_INO 1
/* Device directories: this bit with the device number. */
#define SYSFS_INO_DEV (1ULL << 40)

#define DIR_MODE (K_S_IFDIR | 0755)
#define FILE_MODE (K_S_IFREG | 0444)

/* Files about a device: pi->fd holds its number (k_makedev). */

static uint64_t
sysfs_dev(const struct proc_inode *pi)
{
	return (uint64_t)(uint32_t)pi->fd;
}

static int
sysfs_show_dev(const struct proc_inode *pi, struct pbuf *b)
{
	uint64_t dev = sysfs_dev(pi);

	pbuf_printf(b, "%u:%u\n", k_major(dev), k_minor(dev));
	return 0;
}

static int
sysfs_show_size(const struct proc_inode *pi, struct pbuf *b)
{
	struct bdev *bd = blkdev_find(sysfs_dev(pi));

	if (bd == NULL)
		return -ENODEV;
	pbuf_printf(b, "%llu\n", (unsigned long long)(bd->size / SECTOR_SIZE));
	return 0;
}

static int
sysfs_show_ro(const struct proc_inode *pi, struct pbuf *b)
{
	struct bdev *bd = blkdev_find(sysfs_dev(pi));

	if (bd == NULL)
		return -ENODEV;
	pbuf_printf(b, "%d\n", bd->read_only ? 1 : 0);
	return 0;
}

static int
sysfs_show_zero(const struct proc_inode *pi, struct pbuf *b)
{
	pbuf_puts(b, "0\n");
	return 0;
}

static int
sysfs_show_thp(const struct proc_inode *pi, struct pbuf *b)
{
	pbuf_puts(b, "always madvise [never]\n");
	return 0;
}

static int
sysfs_show_thp_defrag(const struct proc_inode *pi, struct pbuf *b)
{
	pbuf_puts(b, "always defer defer+madvise madvise [never]\n");
	return 0;
}

static struct proc_entry sysfs_disk_table[] = {
	{ .name = "dev", .mode = FILE_MODE, .show = sysfs_show_dev },
	{ .name = "removable", .mode = FILE_MODE, .show = sysfs_show_zero },
	{ .name = "ro", .mode = FILE_MODE, .show = sysfs_show_ro },
	{ .name = "size", .mode = FILE_MODE, .show = sysfs_show_size },
};

static struct proc_entry sysfs_disk_entry = {
	.name = "disk", .mode = DIR_MODE,
	.children = PROC_TABLE(sysfs_disk_table),
};

static struct proc_entry sysfs_chr_table[] = {
	{ .name = "dev", .mode = FILE_MODE, .show = sysfs_show_dev },
};

static struct proc_entry sysfs_chr_entry = {
	.name = "chr", .mode = DIR_MODE,
	.children = PROC_TABLE(sysfs_chr_table),
};

/* A directory named after a device: an inode for e about dev. */
static int
sysfs_dev_dir(struct inode *dir, struct proc_entry *e, uint64_t dev,
	      struct inode **out)
{
	struct proc_inode ids = *PI(dir);

	ids.fd = (int)(uint32_t)dev;
	*out = proc_inode_new(dir->sb, e, &ids, SYSFS_INO_DEV | dev);
	return *out ? 0 : -ENOMEM;
}

/* block/: the block devices, by name. */

static int
sysfs_block_lookup(struct inode *dir, const char *name, size_t len,
		   struct inode **out)
{
	char buf[16];
	struct bdev *bd;

	if (len >= sizeof(buf))
		return -ENOENT;
	memcpy(buf, name, len);
	buf[len] = '\0';
	if (strchr(buf, '/') || (bd = blkdev_find_name(buf)) == NULL)
		return -ENOENT;
	return sysfs_dev_dir(dir, &sysfs_disk_entry,
			     k_makedev(bd->major, bd->minor), out);
}

struct sysfs_block_walk {
	struct dir_context *ctx;
	uint64_t index; /* of the device at hand */
	bool full;
};

static void
sysfs_block_emit(struct bdev *bd, void *arg)
{
	struct sysfs_block_walk *w = arg;
	uint64_t dev = k_makedev(bd->major, bd->minor);

	if (w->full || w->index++ < w->ctx->pos - 2)
		return;
	if (w->ctx->emit(w->ctx, bd->name, strlen(bd->name),
			 SYSFS_INO_DEV | dev, K_DT_DIR)) {
		w->full = true;
		return;
	}
	w->ctx->pos++;
}

static int
sysfs_block_iterate(struct file *f, struct dir_context *ctx)
{
	struct sysfs_block_walk w = { .ctx = ctx };

	if (!dir_emit_dots(f, ctx))
		return 0;
	for_each_blkdev(sysfs_block_emit, &w);
	return 0;
}

static const struct proc_dir_ops sysfs_block_ops = {
	.lookup = sysfs_block_lookup,
	.iterate = sysfs_block_iterate,
};

/* class/tty/: the terminals the kernel always has. */

static const struct {
	const char *name;
	unsigned int major, minor;
} sysfs_ttys[] = {
	{ "console", 5, 1 },
	{ "ptmx", 5, 2 },
	{ "tty", 5, 0 },
	{ "tty0", 4, 0 },
};

#define SYSFS_NTTYS (sizeof(sysfs_ttys) / sizeof(sysfs_ttys[0]))

static int
sysfs_tty_lookup(struct inode *dir, const char *name, size_t len,
		 struct inode **out)
{
	size_t i;

	for (i = 0; i < SYSFS_NTTYS; i++) {
		if (strlen(sysfs_ttys[i].name) != len ||
		    memcmp(sysfs_ttys[i].name, name, len) != 0)
			continue;
		return sysfs_dev_dir(dir, &sysfs_chr_entry,
				     k_makedev(sysfs_ttys[i].major,
					       sysfs_ttys[i].minor),
				     out);
	}
	return -ENOENT;
}

static int
sysfs_tty_iterate(struct file *f, struct dir_context *ctx)
{
	const char *name;
	uint64_t dev;

	if (!dir_emit_dots(f, ctx))
		return 0;
	while (ctx->pos - 2 < SYSFS_NTTYS) {
		name = sysfs_ttys[ctx->pos - 2].name;
		dev = k_makedev(sysfs_ttys[ctx->pos - 2].major,
				sysfs_ttys[ctx->pos - 2].minor);
		if (ctx->emit(ctx, name, strlen(name), SYSFS_INO_DEV | dev,
			      K_DT_DIR))
			return 0;
		ctx->pos++;
	}
	return 0;
}

static const struct proc_dir_ops sysfs_tty_ops = {
	.lookup = sysfs_tty_lookup,
	.iterate = sysfs_tty_iterate,
};

/* The static tree. */

static struct proc_entry sysfs_class_table[] = {
	{ .name = "tty", .mode = DIR_MODE, .dir = &sysfs_tty_ops },
};

static struct proc_entry sysfs_cpu_table[] = {
	{ .name = "cpu0", .mode = DIR_MODE },
	{ .name = "online", .mode = FILE_MODE, .show = sysfs_show_zero },
	{ .name = "possible", .mode = FILE_MODE, .show = sysfs_show_zero },
	{ .name = "present", .mode = FILE_MODE, .show = sysfs_show_zero },
};

static struct proc_entry sysfs_system_table[] = {
	{ .name = "cpu", .mode = DIR_MODE,
	  .children = PROC_TABLE(sysfs_cpu_table) },
};

static struct proc_entry sysfs_devices_table[] = {
	{ .name = "system", .mode = DIR_MODE,
	  .children = PROC_TABLE(sysfs_system_table) },
};

static struct proc_entry sysfs_thp_table[] = {
	{ .name = "defrag", .mode = FILE_MODE, .show = sysfs_show_thp_defrag },
	{ .name = "enabled", .mode = FILE_MODE, .show = sysfs_show_thp },
};

static struct proc_entry sysfs_mm_table[] = {
	{ .name = "transparent_hugepage", .mode = DIR_MODE,
	  .children = PROC_TABLE(sysfs_thp_table) },
};

static struct proc_entry sysfs_kernel_table[] = {
	{ .name = "mm", .mode = DIR_MODE,
	  .children = PROC_TABLE(sysfs_mm_table) },
};

static struct proc_entry sysfs_fs_table[] = {
	{ .name = "cgroup", .mode = DIR_MODE },
};

static struct proc_entry sysfs_root_table[] = {
	{ .name = "block", .mode = DIR_MODE, .dir = &sysfs_block_ops },
	{ .name = "bus", .mode = DIR_MODE },
	{ .name = "class", .mode = DIR_MODE,
	  .children = PROC_TABLE(sysfs_class_table) },
	{ .name = "devices", .mode = DIR_MODE,
	  .children = PROC_TABLE(sysfs_devices_table) },
	{ .name = "firmware", .mode = DIR_MODE },
	{ .name = "fs", .mode = DIR_MODE,
	  .children = PROC_TABLE(sysfs_fs_table) },
	{ .name = "kernel", .mode = DIR_MODE,
	  .children = PROC_TABLE(sysfs_kernel_table) },
	{ .name = "module", .mode = DIR_MODE },
	{ .name = "power", .mode = DIR_MODE },
};

static struct proc_entry sysfs_root_entry = {
	.name = "/", .mode = DIR_MODE,
	.children = PROC_TABLE(sysfs_root_table),
};

/* The super block. */

static int
sysfs_statfs(struct super_block *sb, struct kstatfs *st)
{
	memset(st, 0, sizeof(*st));
	st->type = SYSFS_MAGIC;
	st->bsize = 4096;
	st->frsize = 4096;
	st->namelen = NAME_MAX_K;
	return 0;
}

static void
sysfs_evict_inode(struct inode *inode)
{
	free(inode->priv);
	inode->priv = NULL;
}

/* Inodes may outlive the mount in open files: the super block stays. */
static void
sysfs_put_super(struct super_block *sb)
{
}

static const struct super_ops sysfs_super_ops = {
	.put_super = sysfs_put_super,
	.statfs = sysfs_statfs,
	.evict_inode = sysfs_evict_inode,
};

static int
sysfs_mount(const struct fs_type *type, struct bdev *bd, const char *source,
	    unsigned long flags, const char *data, struct super_block **out)
{
	struct proc_inode ids = { 0 };
	struct super_block *sb;
	struct inode *root;

	if ((sb = sb_alloc(type, &sysfs_super_ops)) == NULL)
		return -ENOMEM;
	sb->dev = sb_anon_dev();
	sb->no_dcache = true;
	sb->flags = flags;
	root = proc_inode_new(sb, &sysfs_root_entry, &ids, SYSFS_ROOT_INO);
	if (!root || (sb->root = dentry_make_root(sb, root)) == NULL) {
		sb_free(sb);
		return -ENOMEM;
	}
	*out = sb;
	return 0;
}

static struct fs_type sysfs_fs_type = {
	.name = "sysfs",
	.nodev = true,
	.mount = sysfs_mount,
};

void
sysfs_init(void)
{
	uint64_t next = SYSFS_ROOT_INO + 1;

	proc_number_entries(sysfs_root_entry.children,
			    sysfs_root_entry.nchildren, &next);
	proc_number_entries(sysfs_disk_entry.children,
			    sysfs_disk_entry.nchildren, &next);
	proc_number_entries(sysfs_chr_entry.children,
			    sysfs_chr_entry.nchildren, &next);
	register_filesystem(&sysfs_fs_type);
}
