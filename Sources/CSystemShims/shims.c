#define _GNU_SOURCE
#include "CSystemShims.h"
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>
#if defined(__linux__)
#include <sys/syscall.h>
#endif

int drs_rename_exchange(const char *from, const char *to) {
#if defined(__linux__) && defined(SYS_renameat2)
    // RENAME_EXCHANGE is 2; called through syscall so an older libc without renameat2 still builds.
    return (int)syscall(SYS_renameat2, AT_FDCWD, from, AT_FDCWD, to, 2);
#else
    (void)from;
    (void)to;
    errno = ENOSYS;
    return -1;
#endif
}
