build-web/src/store/migrate.o: src/store/migrate.c src/base/buf.h \
 src/base/embed.h src/base/timeutil.h src/store/db.h src/base/err.h
src/base/buf.h:
src/base/embed.h:
src/base/timeutil.h:
src/store/db.h:
src/base/err.h:
