build-api/src/store/sqlite.o: src/store/sqlite.c src/store/db_impl.h \
 src/store/db.h src/base/err.h
src/store/db_impl.h:
src/store/db.h:
src/base/err.h:
