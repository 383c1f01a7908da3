build-api/src/cli/users.o: src/cli/users.c src/cli/cli.h src/base/arena.h \
 src/base/err.h src/crypto/crypto.h src/registry/registry.h \
 src/store/db.h
src/cli/cli.h:
src/base/arena.h:
src/base/err.h:
src/crypto/crypto.h:
src/registry/registry.h:
src/store/db.h:
