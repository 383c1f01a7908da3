build-api/src/base/log.o: src/base/log.c src/base/log.h src/base/buf.h \
 src/base/timeutil.h
src/base/log.h:
src/base/buf.h:
src/base/timeutil.h:
