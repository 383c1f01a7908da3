build-api/src/audit/audit.o: src/audit/audit.c src/audit/audit.h \
 src/base/err.h src/store/db.h src/base/buf.h src/base/timeutil.h \
 src/crypto/crypto.h src/json/json.h src/base/arena.h
src/audit/audit.h:
src/base/err.h:
src/store/db.h:
src/base/buf.h:
src/base/timeutil.h:
src/crypto/crypto.h:
src/json/json.h:
src/base/arena.h:
