build-api/src/registry/users.o: src/registry/users.c src/base/timeutil.h \
 src/base/utf8.h src/base/arena.h src/base/err.h src/json/json.h \
 src/registry/registry_int.h src/registry/registry.h src/crypto/crypto.h \
 src/store/db.h
src/base/timeutil.h:
src/base/utf8.h:
src/base/arena.h:
src/base/err.h:
src/json/json.h:
src/registry/registry_int.h:
src/registry/registry.h:
src/crypto/crypto.h:
src/store/db.h:
