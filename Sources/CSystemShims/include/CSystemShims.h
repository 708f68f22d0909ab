#ifndef DRS_C_SYSTEM_SHIMS_H
#define DRS_C_SYSTEM_SHIMS_H

/// Swaps two paths atomically (Linux renameat2 with RENAME_EXCHANGE). Returns 0, or -1 with errno
/// set (ENOSYS or EINVAL where the kernel or the file system cannot exchange).
int drs_rename_exchange(const char *from, const char *to);

#endif
