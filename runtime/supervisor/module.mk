# runtime/supervisor: the client of init's supervisor protocol; names.c is
# pure (init uses it too, and a host test).
LIBKAAL_SRCS += runtime/supervisor/supervisor.c runtime/supervisor/names.c

$(eval $(call host_test,test_supervisor_names,tests/unit/test_supervisor_names.c runtime/supervisor/names.c))
