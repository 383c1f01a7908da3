build-api/src/registry/roles.o: src/registry/roles.c \
 src/registry/registry.h src/base/arena.h src/base/err.h \
 src/crypto/crypto.h src/store/db.h
src/registry/registry.h:
src/base/arena.h:
src/base/err.h:
src/crypto/crypto.h:
src/store/db.h:
