build-api/src/base/timeutil.o: src/base/timeutil.c src/base/timeutil.h
src/base/timeutil.h:
