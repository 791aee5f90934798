/*
 * dec_stat.c - struct decoders of the stat family: stat (stat, fstat,
 * lstat, newfstatat), statx, statfs (statfs, fstatfs), as strace prints
 * them by default (abbreviated with "..."); stat's whole under -v
 * (-e abbrev=).
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "decode/dec_util.h"

/* The x86-64 kernel's struct stat. */
struct k_stat {
	uint64_t st_dev, st_ino, st_nlink;
	uint32_t st_mode, st_uid, st_gid, pad0;
	uint64_t st_rdev;
	int64_t st_size, st_blksize, st_blocks;
	uint64_t times[6];
	int64_t unused[3];
};
_Static_assert(sizeof(struct k_stat) == 144, "x86-64 struct stat");

/* makedev(0x1, 0x3) as strace: major and minor in hex, 0 as "0". */
static void dev_expr(char *buf, size_t size, uint64_t major, uint64_t minor)
{
	char ma[24], mi[24];
	snprintf(ma, sizeof(ma), major ? "%#" PRIx64 : "0", major);
	snprintf(mi, sizeof(mi), minor ? "%#" PRIx64 : "0", minor);
	snprintf(buf, size, "makedev(%s, %s)", ma, mi);
}

static void dev_value(struct rn_values *vs, const char *name, uint64_t dev)
{
	uint64_t major = ((dev >> 8) & 0xfff) | ((dev >> 32) & ~UINT64_C(0xfff));
	uint64_t minor = (dev & 0xff) | ((dev >> 12) & ~UINT64_C(0xff));
	char text[80];
	dev_expr(text, sizeof(text), major, minor);
	/* -X raw: 0x103; -X verbose: 0x103 / * makedev(0x1, 0x3) * / */
	if (rn_value_xlat == RN_XLAT_ABBREV) {
		du_expr(vs, name, dev, text);
	} else {
		uint32_t n = rn_v_hex(vs, name, dev);
		if (rn_value_xlat == RN_XLAT_VERBOSE)
			rn_v_annotate(vs, n, RN_VF_COMMENT, text);
	}
}

void rn_dec_stat(struct rn_dctx *c, unsigned argi, uint64_t raw);
void rn_dec_stat(struct rn_dctx *c, unsigned argi, uint64_t raw)
{
	const char *name = du_argname(c, argi);
	struct k_stat st;
	if (du_read(c, raw, &st, sizeof(st)) < 0) {
		rn_v_ptr(c->vs, name, raw);
		return;
	}
	uint32_t s = rn_v_open(c->vs, name, RN_V_STRUCT);
	const int abbrev = rn_filter_abbrev(&c->opt->filter, c->entry->nr);
	if (!abbrev) {
		dev_value(c->vs, "st_dev", st.st_dev);
		rn_v_uint(c->vs, "st_ino", st.st_ino);
	}
	du_mode(c->vs, "st_mode", st.st_mode);
	if (!abbrev) {
		rn_v_uint(c->vs, "st_nlink", st.st_nlink);
		rn_v_uint(c->vs, "st_uid", st.st_uid);
		rn_v_uint(c->vs, "st_gid", st.st_gid);
		rn_v_int(c->vs, "st_blksize", st.st_blksize);
		rn_v_int(c->vs, "st_blocks", st.st_blocks);
	}
	uint32_t type = st.st_mode & 0170000;
	if (type == 0020000 || type == 0060000)
		dev_value(c->vs, "st_rdev", st.st_rdev);
	else
		rn_v_int(c->vs, "st_size", st.st_size);
	if (abbrev) {
		c->vs->v[s].flags |= RN_VF_ELLIPSIS;
	} else {
		/* -v: each time with its date in a comment, then its
		 * nanoseconds, as strace: st_atime=1796668425 / * 2026-12-07T
		 * 18:33:45.707360383+0000 * /, st_atime_nsec=707360383 */
		static const char *const names[3][2] = {
			{ "st_atime", "st_atime_nsec" },
			{ "st_mtime", "st_mtime_nsec" },
			{ "st_ctime", "st_ctime_nsec" },
		};
		for (unsigned i = 0; i < 3; i++) {
			int64_t sec = (int64_t)st.times[2 * i], nsec = (int64_t)st.times[2 * i + 1];
			char date[96];
			uint32_t t = rn_v_int(c->vs, names[i][0], sec);
			du_time_comment(date, sizeof(date), sec, nsec, 9);
			if (date[0])
				rn_v_annotate(c->vs, t, RN_VF_COMMENT, date);
			rn_v_uint(c->vs, names[i][1], (uint64_t)nsec);
		}
	}
	rn_v_close(c->vs, s);
}

/* ---- statx -------------------------------------------------------------- */

struct k_statx {
	uint32_t stx_mask, stx_blksize;
	uint64_t stx_attributes;
	uint32_t stx_nlink, stx_uid, stx_gid;
	uint16_t stx_mode, pad1;
	uint64_t stx_ino, stx_size, stx_blocks, stx_attributes_mask;
	/* timestamps, devices, ... (not shown by default) */
	unsigned char rest[256 - 64];
};
_Static_assert(sizeof(struct k_statx) == 256, "struct statx");

extern const struct rn_flag_table rn_flags_statx_mask __attribute__((weak));

static const struct rn_flag statx_mask_items[] = {
	{ 0xfff, "STATX_ALL" },          { 0x7ff, "STATX_BASIC_STATS" },
	{ 0x1, "STATX_TYPE" },           { 0x2, "STATX_MODE" },
	{ 0x4, "STATX_NLINK" },          { 0x8, "STATX_UID" },
	{ 0x10, "STATX_GID" },           { 0x20, "STATX_ATIME" },
	{ 0x40, "STATX_MTIME" },         { 0x80, "STATX_CTIME" },
	{ 0x100, "STATX_INO" },          { 0x200, "STATX_SIZE" },
	{ 0x400, "STATX_BLOCKS" },       { 0x800, "STATX_BTIME" },
	{ 0x1000, "STATX_MNT_ID" },      { 0x2000, "STATX_DIOALIGN" },
};

static const struct rn_flag statx_attr_items[] = {
	{ 0x4, "STATX_ATTR_COMPRESSED" }, { 0x10, "STATX_ATTR_IMMUTABLE" },
	{ 0x20, "STATX_ATTR_APPEND" },    { 0x40, "STATX_ATTR_NODUMP" },
	{ 0x800, "STATX_ATTR_ENCRYPTED" }, { 0x1000, "STATX_ATTR_AUTOMOUNT" },
	{ 0x2000, "STATX_ATTR_MOUNT_ROOT" }, { 0x100000, "STATX_ATTR_VERITY" },
	{ 0x200000, "STATX_ATTR_DAX" },
};

void rn_dec_statx(struct rn_dctx *c, unsigned argi, uint64_t raw);
void rn_dec_statx(struct rn_dctx *c, unsigned argi, uint64_t raw)
{
	const char *name = du_argname(c, argi);
	struct k_statx sx;
	/* Only the first 64 bytes are shown. */
	if (du_read(c, raw, &sx, 64) < 0) {
		rn_v_ptr(c->vs, name, raw);
		return;
	}
	uint32_t s = rn_v_open(c->vs, name, RN_V_STRUCT);
	if (&rn_flags_statx_mask)
		rn_dec_flags(c->vs, "stx_mask", &rn_flags_statx_mask, sx.stx_mask);
	else
		du_flags(c->vs, "stx_mask", statx_mask_items, DU_COUNT(statx_mask_items), NULL,
			 sx.stx_mask);
	du_flags(c->vs, "stx_attributes", statx_attr_items, DU_COUNT(statx_attr_items), NULL,
		 sx.stx_attributes);
	du_mode(c->vs, "stx_mode", sx.stx_mode);
	rn_v_uint(c->vs, "stx_size", sx.stx_size);
	c->vs->v[s].flags |= RN_VF_ELLIPSIS;
	rn_v_close(c->vs, s);
}

/* ---- statfs ------------------------------------------------------------- */

struct k_statfs {
	int64_t f_type, f_bsize;
	uint64_t f_blocks, f_bfree, f_bavail, f_files, f_ffree;
	int32_t f_fsid[2];
	int64_t f_namelen, f_frsize, f_flags, f_spare[4];
};
_Static_assert(sizeof(struct k_statfs) == 120, "x86-64 struct statfs");

/* <linux/magic.h>, with strace's name where several share a value. */
static const struct rn_flag fs_magic[] = {
	{ 0xadf5, "ADFS_SUPER_MAGIC" },          { 0xadff, "AFFS_SUPER_MAGIC" },
	{ 0x5346414f, "AFS_SUPER_MAGIC" },       { 0x6b414653, "AFS_FS_MAGIC" },
	{ 0x5a3c69f0, "AAFS_MAGIC" },            { 0x09041934, "ANON_INODE_FS_MAGIC" },
	{ 0x0187, "AUTOFS_SUPER_MAGIC" },        { 0x62646576, "BDEVFS_MAGIC" },
	{ 0x42494e4d, "BINFMTFS_MAGIC" },        { 0x6c6f6f70, "BINDERFS_SUPER_MAGIC" },
	{ 0xcafe4a11, "BPF_FS_MAGIC" },          { 0x9123683e, "BTRFS_SUPER_MAGIC" },
	{ 0x73727279, "BTRFS_TEST_MAGIC" },      { 0x00c36400, "CEPH_SUPER_MAGIC" },
	{ 0x27e0eb, "CGROUP_SUPER_MAGIC" },      { 0x63677270, "CGROUP2_SUPER_MAGIC" },
	{ 0xff534d42, "CIFS_SUPER_MAGIC" },      { 0x73757245, "CODA_SUPER_MAGIC" },
	{ 0x62656570, "CONFIGFS_MAGIC" },        { 0x28cd3d45, "CRAMFS_MAGIC" },
	{ 0x453dcd28, "CRAMFS_MAGIC_WEND" },     { 0x64646178, "DAXFS_MAGIC" },
	{ 0x64626720, "DEBUGFS_MAGIC" },         { 0x1cd1, "DEVPTS_SUPER_MAGIC" },
	{ 0x444d4142, "DMA_BUF_MAGIC" },         { 0xf15f, "ECRYPTFS_SUPER_MAGIC" },
	{ 0xde5e81e4, "EFIVARFS_MAGIC" },        { 0x414a53, "EFS_SUPER_MAGIC" },
	{ 0xe0f5e1e2, "EROFS_SUPER_MAGIC_V1" },  { 0x2011bab0, "EXFAT_SUPER_MAGIC" },
	{ 0xef53, "EXT2_SUPER_MAGIC" },          { 0xf2f52010, "F2FS_SUPER_MAGIC" },
	{ 0x65735546, "FUSE_SUPER_MAGIC" },      { 0xbad1dea, "FUTEXFS_SUPER_MAGIC" },
	{ 0x00c0ffee, "HOSTFS_SUPER_MAGIC" },    { 0xf995e849, "HPFS_SUPER_MAGIC" },
	{ 0x958458f6, "HUGETLBFS_MAGIC" },       { 0x9660, "ISOFS_SUPER_MAGIC" },
	{ 0x72b6, "JFFS2_SUPER_MAGIC" },         { 0x137f, "MINIX_SUPER_MAGIC" },
	{ 0x138f, "MINIX_SUPER_MAGIC2" },        { 0x2468, "MINIX2_SUPER_MAGIC" },
	{ 0x2478, "MINIX2_SUPER_MAGIC2" },       { 0x4d5a, "MINIX3_SUPER_MAGIC" },
	{ 0x19800202, "MQUEUE_MAGIC" },          { 0x4d44, "MSDOS_SUPER_MAGIC" },
	{ 0x11307854, "MTD_INODE_FS_MAGIC" },    { 0x564c, "NCP_SUPER_MAGIC" },
	{ 0x6969, "NFS_SUPER_MAGIC" },           { 0x3434, "NILFS_SUPER_MAGIC" },
	{ 0x6e736673, "NSFS_MAGIC" },            { 0x7461636f, "OCFS2_SUPER_MAGIC" },
	{ 0x9fa1, "OPENPROM_SUPER_MAGIC" },      { 0x794c7630, "OVERLAYFS_SUPER_MAGIC" },
	{ 0x50495045, "PIPEFS_MAGIC" },          { 0x9fa0, "PROC_SUPER_MAGIC" },
	{ 0x6165676c, "PSTOREFS_MAGIC" },        { 0x002f, "QNX4_SUPER_MAGIC" },
	{ 0x68191122, "QNX6_SUPER_MAGIC" },      { 0x858458f6, "RAMFS_MAGIC" },
	{ 0x7655821, "RDTGROUP_SUPER_MAGIC" },   { 0x52654973, "REISERFS_SUPER_MAGIC" },
	{ 0x5345434d, "SECRETMEM_MAGIC" },       { 0x73636673, "SECURITYFS_MAGIC" },
	{ 0xf97cff8c, "SELINUX_MAGIC" },         { 0x43415d53, "SMACK_MAGIC" },
	{ 0x517b, "SMB_SUPER_MAGIC" },           { 0xfe534d42, "SMB2_SUPER_MAGIC" },
	{ 0x534f434b, "SOCKFS_MAGIC" },          { 0x73717368, "SQUASHFS_MAGIC" },
	{ 0x62656572, "SYSFS_MAGIC" },           { 0x01021994, "TMPFS_MAGIC" },
	{ 0x74726163, "TRACEFS_MAGIC" },         { 0x15013346, "UDF_SUPER_MAGIC" },
	{ 0x9fa2, "USBDEVICE_SUPER_MAGIC" },     { 0x01021997, "V9FS_MAGIC" },
	{ 0xabba1974, "XENFS_SUPER_MAGIC" },     { 0x58465342, "XFS_SUPER_MAGIC" },
	{ 0x5a4f4653, "ZONEFS_MAGIC" },
};

static const struct rn_flag statfs_flags[] = {
	{ 0x1, "ST_RDONLY" },      { 0x2, "ST_NOSUID" },    { 0x4, "ST_NODEV" },
	{ 0x8, "ST_NOEXEC" },      { 0x10, "ST_SYNCHRONOUS" }, { 0x20, "ST_VALID" },
	{ 0x40, "ST_MANDLOCK" },   { 0x80, "ST_WRITE" },    { 0x100, "ST_APPEND" },
	{ 0x200, "ST_IMMUTABLE" }, { 0x400, "ST_NOATIME" }, { 0x800, "ST_NODIRATIME" },
	{ 0x1000, "ST_RELATIME" }, { 0x2000, "ST_NOSYMFOLLOW" },
};

void rn_dec_statfs(struct rn_dctx *c, unsigned argi, uint64_t raw);
void rn_dec_statfs(struct rn_dctx *c, unsigned argi, uint64_t raw)
{
	const char *name = du_argname(c, argi);
	struct k_statfs sf;
	if (du_read(c, raw, &sf, sizeof(sf)) < 0) {
		rn_v_ptr(c->vs, name, raw);
		return;
	}
	struct rn_values *vs = c->vs;
	uint32_t s = rn_v_open(vs, name, RN_V_STRUCT);
	du_enum(vs, "f_type", fs_magic, DU_COUNT(fs_magic), 1, (int64_t)(uint64_t)sf.f_type);
	rn_v_int(vs, "f_bsize", sf.f_bsize);
	rn_v_uint(vs, "f_blocks", sf.f_blocks);
	rn_v_uint(vs, "f_bfree", sf.f_bfree);
	rn_v_uint(vs, "f_bavail", sf.f_bavail);
	rn_v_uint(vs, "f_files", sf.f_files);
	rn_v_uint(vs, "f_ffree", sf.f_ffree);
	uint32_t fsid = rn_v_open(vs, "f_fsid", RN_V_STRUCT);
	uint32_t val = rn_v_open(vs, "val", RN_V_ARRAY);
	rn_v_hex(vs, NULL, (uint32_t)sf.f_fsid[0]);
	rn_v_hex(vs, NULL, (uint32_t)sf.f_fsid[1]);
	rn_v_close(vs, val);
	rn_v_close(vs, fsid);
	rn_v_int(vs, "f_namelen", sf.f_namelen);
	rn_v_int(vs, "f_frsize", sf.f_frsize);
	du_flags(vs, "f_flags", statfs_flags, DU_COUNT(statfs_flags), NULL, (uint64_t)sf.f_flags);
	rn_v_close(vs, s);
}
