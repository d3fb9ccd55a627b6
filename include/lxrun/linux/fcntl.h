/* SPDX-License-Identifier: BSD-2-Clause */
/* Linux x86-64 open, fcntl and *at() constants. */
#ifndef LXRUN_LINUX_FCNTL_H
#define LXRUN_LINUX_FCNTL_H

#define LX_O_ACCMODE                0x3
#define LX_O_RDONLY                 0x0
#define LX_O_WRONLY                 0x1
#define LX_O_RDWR                   0x2
#define LX_O_CREAT                  0x40
#define LX_O_EXCL                   0x80
#define LX_O_NOCTTY                 0x100
#define LX_O_TRUNC                  0x200
#define LX_O_APPEND                 0x400
#define LX_O_NONBLOCK               0x800
#define LX_O_DSYNC                  0x1000
#define LX_O_ASYNC                  0x2000
#define LX_O_DIRECT                 0x4000
#define LX_O_LARGEFILE              0x8000 /* kernel value; glibc x86-64 defines 0 */
#define LX_O_DIRECTORY              0x10000
#define LX_O_NOFOLLOW               0x20000
#define LX_O_NOATIME                0x40000
#define LX_O_CLOEXEC                0x80000
#define LX_O_SYNC                   0x101000
#define LX_O_PATH                   0x200000
#define LX_O_TMPFILE                0x410000

#define LX_AT_FDCWD                 -100
#define LX_AT_SYMLINK_NOFOLLOW      0x100
#define LX_AT_REMOVEDIR             0x200
#define LX_AT_SYMLINK_FOLLOW        0x400
#define LX_AT_NO_AUTOMOUNT          0x800
#define LX_AT_EMPTY_PATH            0x1000
#define LX_AT_STATX_SYNC_TYPE       0x6000
#define LX_AT_STATX_SYNC_AS_STAT    0x0
#define LX_AT_STATX_FORCE_SYNC      0x2000
#define LX_AT_STATX_DONT_SYNC       0x4000
#define LX_AT_RECURSIVE             0x8000
#define LX_AT_EACCESS               0x200

#define LX_F_DUPFD                  0
#define LX_F_GETFD                  1
#define LX_F_SETFD                  2
#define LX_F_GETFL                  3
#define LX_F_SETFL                  4
#define LX_F_GETLK                  5
#define LX_F_SETLK                  6
#define LX_F_SETLKW                 7
#define LX_F_SETOWN                 8
#define LX_F_GETOWN                 9
#define LX_F_SETSIG                 10
#define LX_F_GETSIG                 11
#define LX_F_SETOWN_EX              15
#define LX_F_GETOWN_EX              16
#define LX_F_OFD_GETLK              36
#define LX_F_OFD_SETLK              37
#define LX_F_OFD_SETLKW             38
#define LX_F_SETLEASE               1024
#define LX_F_GETLEASE               1025
#define LX_F_NOTIFY                 1026
#define LX_F_DUPFD_CLOEXEC          1030
#define LX_F_SETPIPE_SZ             1031
#define LX_F_GETPIPE_SZ             1032
#define LX_F_ADD_SEALS              1033
#define LX_F_GET_SEALS              1034
#define LX_F_GET_RW_HINT            1035
#define LX_F_SET_RW_HINT            1036
#define LX_F_GET_FILE_RW_HINT       1037
#define LX_F_SET_FILE_RW_HINT       1038
#define LX_FD_CLOEXEC               0x1

#define LX_F_SEAL_SEAL              0x1
#define LX_F_SEAL_SHRINK            0x2
#define LX_F_SEAL_GROW              0x4
#define LX_F_SEAL_WRITE             0x8
#define LX_F_SEAL_FUTURE_WRITE      0x10
#define LX_F_SEAL_EXEC              0x20

#define LX_SEEK_SET                 0
#define LX_SEEK_CUR                 1
#define LX_SEEK_END                 2
#define LX_SEEK_DATA                3
#define LX_SEEK_HOLE                4

#define LX_F_OK                     0x0
#define LX_R_OK                     0x4
#define LX_W_OK                     0x2
#define LX_X_OK                     0x1

#define LX_S_IFMT                   0xf000
#define LX_S_IFSOCK                 0xc000
#define LX_S_IFLNK                  0xa000
#define LX_S_IFREG                  0x8000
#define LX_S_IFBLK                  0x6000
#define LX_S_IFDIR                  0x4000
#define LX_S_IFCHR                  0x2000
#define LX_S_IFIFO                  0x1000
#define LX_S_ISUID                  0x800
#define LX_S_ISGID                  0x400
#define LX_S_ISVTX                  0x200

#endif
