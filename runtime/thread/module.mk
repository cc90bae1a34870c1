# runtime/thread: TLS blocks (pure, also in a host test) and threads.
LIBKAAL_SRCS += runtime/thread/tls.c runtime/thread/thread.c

$(eval $(call host_test,test_tls,tests/unit/test_tls.c runtime/thread/tls.c))
