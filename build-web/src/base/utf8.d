build-web/src/base/utf8.o: src/base/utf8.c src/base/utf8.h \
 src/base/arena.h src/base/err.h
src/base/utf8.h:
src/base/arena.h:
src/base/err.h:
