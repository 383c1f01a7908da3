build-api/src/json/json.o: src/json/json.c src/json/json.h \
 src/base/arena.h src/base/err.h src/base/utf8.h
src/json/json.h:
src/base/arena.h:
src/base/err.h:
src/base/utf8.h:
