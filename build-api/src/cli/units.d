build-api/src/cli/units.o: src/cli/units.c src/base/buf.h src/cli/cli.h \
 src/base/arena.h src/base/err.h src/crypto/crypto.h \
 src/registry/registry.h src/store/db.h
src/base/buf.h:
src/cli/cli.h:
src/base/arena.h:
src/base/err.h:
src/crypto/crypto.h:
src/registry/registry.h:
src/store/db.h:
