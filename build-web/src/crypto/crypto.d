build-web/src/crypto/crypto.o: src/crypto/crypto.c src/crypto/crypto.h
src/crypto/crypto.h:
