build-api/src/cli/main.o: src/cli/main.c src/base/log.h src/cli/cli.h \
 src/base/arena.h src/base/err.h src/crypto/crypto.h \
 src/registry/registry.h src/store/db.h
src/base/log.h:
src/cli/cli.h:
src/base/arena.h:
src/base/err.h:
src/crypto/crypto.h:
src/registry/registry.h:
src/store/db.h:
