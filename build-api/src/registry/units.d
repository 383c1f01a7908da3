build-api/src/registry/units.o: src/registry/units.c src/audit/audit.h \
 src/base/err.h src/store/db.h src/base/buf.h src/base/csv.h \
 src/base/arena.h src/base/map.h src/base/timeutil.h src/base/utf8.h \
 src/json/json.h src/registry/registry_int.h src/registry/registry.h \
 src/crypto/crypto.h
src/audit/audit.h:
src/base/err.h:
src/store/db.h:
src/base/buf.h:
src/base/csv.h:
src/base/arena.h:
src/base/map.h:
src/base/timeutil.h:
src/base/utf8.h:
src/json/json.h:
src/registry/registry_int.h:
src/registry/registry.h:
src/crypto/crypto.h:
