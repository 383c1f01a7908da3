build-api/src/cli/admin.o: src/cli/admin.c src/audit/audit.h \
 src/base/err.h src/store/db.h src/base/buf.h src/base/log.h \
 src/cli/cli.h src/base/arena.h src/crypto/crypto.h \
 src/registry/registry.h src/http/http.h
src/audit/audit.h:
src/base/err.h:
src/store/db.h:
src/base/buf.h:
src/base/log.h:
src/cli/cli.h:
src/base/arena.h:
src/crypto/crypto.h:
src/registry/registry.h:
src/http/http.h:
