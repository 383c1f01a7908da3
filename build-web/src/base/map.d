build-web/src/base/map.o: src/base/map.c src/base/map.h src/base/arena.h
src/base/map.h:
src/base/arena.h:
