build-web/src/base/err.o: src/base/err.c src/base/err.h src/base/utf8.h \
 src/base/arena.h
src/base/err.h:
src/base/utf8.h:
src/base/arena.h:
