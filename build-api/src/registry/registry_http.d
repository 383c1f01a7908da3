build-api/src/registry/registry_http.o: src/registry/registry_http.c \
 src/base/timeutil.h src/crypto/crypto.h src/http/http.h src/base/arena.h \
 src/base/buf.h src/base/err.h src/registry/registry.h src/store/db.h \
 src/json/json.h
src/base/timeutil.h:
src/crypto/crypto.h:
src/http/http.h:
src/base/arena.h:
src/base/buf.h:
src/base/err.h:
src/registry/registry.h:
src/store/db.h:
src/json/json.h:
