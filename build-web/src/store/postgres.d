build-web/src/store/postgres.o: src/store/postgres.c \
 /usr/include/postgresql/libpq-fe.h \
 /usr/include/postgresql/postgres_ext.h \
 /usr/include/postgresql/pg_config_ext.h src/store/db_impl.h \
 src/store/db.h src/base/err.h
/usr/include/postgresql/libpq-fe.h:
/usr/include/postgresql/postgres_ext.h:
/usr/include/postgresql/pg_config_ext.h:
src/store/db_impl.h:
src/store/db.h:
src/base/err.h:
