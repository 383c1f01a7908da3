build-api/src/http/server.o: src/http/server.c src/base/embed.h \
 src/base/log.h src/base/timeutil.h src/base/utf8.h src/base/arena.h \
 src/base/err.h src/crypto/crypto.h src/http/http.h src/base/buf.h \
 src/registry/registry.h src/store/db.h src/json/json.h
src/base/embed.h:
src/base/log.h:
src/base/timeutil.h:
src/base/utf8.h:
src/base/arena.h:
src/base/err.h:
src/crypto/crypto.h:
src/http/http.h:
src/base/buf.h:
src/registry/registry.h:
src/store/db.h:
src/json/json.h:
