build-web/src/base/csv.o: src/base/csv.c src/base/csv.h src/base/arena.h \
 src/base/err.h src/base/buf.h src/base/utf8.h
src/base/csv.h:
src/base/arena.h:
src/base/err.h:
src/base/buf.h:
src/base/utf8.h:
