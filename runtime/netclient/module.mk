# runtime/netclient: the net server's client library (<kaal/net_client.h>).
LIBKAAL_SRCS += runtime/netclient/netclient.c
