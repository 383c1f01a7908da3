build-web/src/http/metrics.o: src/http/metrics.c src/http/http.h \
 src/base/arena.h src/base/buf.h src/base/err.h src/registry/registry.h \
 src/crypto/crypto.h src/store/db.h
src/http/http.h:
src/base/arena.h:
src/base/buf.h:
src/base/err.h:
src/registry/registry.h:
src/crypto/crypto.h:
src/store/db.h:
