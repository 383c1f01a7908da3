build-web/src/store/db.o: src/store/db.c src/store/db.h src/base/err.h \
 src/store/db_impl.h
src/store/db.h:
src/base/err.h:
src/store/db_impl.h:
