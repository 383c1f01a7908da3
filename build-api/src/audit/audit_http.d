build-api/src/audit/audit_http.o: src/audit/audit_http.c \
 src/audit/audit.h src/base/err.h src/store/db.h src/http/http.h \
 src/base/arena.h src/base/buf.h src/registry/registry.h \
 src/crypto/crypto.h
src/audit/audit.h:
src/base/err.h:
src/store/db.h:
src/http/http.h:
src/base/arena.h:
src/base/buf.h:
src/registry/registry.h:
src/crypto/crypto.h:
