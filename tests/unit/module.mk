# Host unit tests of the foundation's pure code (cmocka, ASan+UBSan).
$(eval $(call host_test,test_format,tests/unit/test_format.c runtime/printf/format.c))
