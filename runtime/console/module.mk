# runtime/console: the console client (printf to the console server when a
# component has a "console" channel). Goes into libkaal.
LIBKAAL_SRCS += runtime/console/console.c
