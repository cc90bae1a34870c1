# runtime/vfsclient: the client library of the VFS server (<kaal/vfs_client.h>).
LIBKAAL_SRCS += runtime/vfsclient/vfsclient.c
