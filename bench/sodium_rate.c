/*
 * sodium_rate.c: raw libsodium rates on this machine, the ceiling for
 * eddsa-jcs-2022 issue and verify (one Ed25519 signature over the 64 bytes
 * SHA-256(proof options) || SHA-256(document) per credential).
 *
 *   sodium_rate THREADS SECONDS
 *
 * Prints one line per operation: "sign N/s", "verify N/s", "sha256_600 N/s",
 * each the sum over THREADS threads running the operation at the same time.
 * Built and run by bench/credentials.sh; figures, not pass/fail.
 */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum { OP_SIGN, OP_VERIFY, OP_SHA };

typedef struct job {
    int op;
    double seconds;
    unsigned char pk[crypto_sign_PUBLICKEYBYTES], sk[crypto_sign_SECRETKEYBYTES];
    unsigned char msg[600], sig[crypto_sign_BYTES];
    long count;
    unsigned sink;
    pthread_barrier_t *start;
} job;

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void *worker(void *arg)
{
    job *j = arg;
    unsigned char h[crypto_hash_sha256_BYTES];
    long n = 0;
    pthread_barrier_wait(j->start);
    double t0 = now(), end = t0 + j->seconds;
    do {
        for (int k = 0; k < 64; k++, n++) {
            switch (j->op) {
            case OP_SIGN:
                j->msg[0] = (unsigned char)n;
                crypto_sign_detached(j->sig, NULL, j->msg, 64, j->sk);
                j->sink += j->sig[0];
                break;
            case OP_VERIFY:
                if (crypto_sign_verify_detached(j->sig, j->msg, 64, j->pk) != 0) {
                    fprintf(stderr, "sodium_rate: verify failed\n");
                    exit(1);
                }
                break;
            default:
                j->msg[0] = (unsigned char)n;
                crypto_hash_sha256(h, j->msg, 600);
                j->sink += h[0];
            }
        }
    } while (now() < end);
    j->count = n;
    j->seconds = now() - t0;
    return NULL;
}

static double rate(int op, int threads, double seconds)
{
    job jobs[64];
    pthread_t th[64];
    pthread_barrier_t b;
    pthread_barrier_init(&b, NULL, (unsigned)threads);
    for (int t = 0; t < threads; t++) {
        job *j = &jobs[t];
        memset(j, 0, sizeof *j);
        j->op = op;
        j->seconds = seconds;
        j->start = &b;
        crypto_sign_keypair(j->pk, j->sk);
        randombytes_buf(j->msg, sizeof j->msg);
        crypto_sign_detached(j->sig, NULL, j->msg, 64, j->sk);
    }
    for (int t = 1; t < threads; t++) pthread_create(&th[t], NULL, worker, &jobs[t]);
    worker(&jobs[0]);
    for (int t = 1; t < threads; t++) pthread_join(th[t], NULL);
    pthread_barrier_destroy(&b);
    double r = 0;
    for (int t = 0; t < threads; t++) r += (double)jobs[t].count / jobs[t].seconds;
    return r;
}

int main(int argc, char **argv)
{
    int threads = argc > 1 ? atoi(argv[1]) : 1;
    double seconds = argc > 2 ? atof(argv[2]) : 1.0;
    if (threads < 1 || threads > 64 || seconds <= 0) {
        fprintf(stderr, "usage: sodium_rate THREADS SECONDS\n");
        return 2;
    }
    if (sodium_init() < 0) return 1;
    printf("sign %.0f\n", rate(OP_SIGN, threads, seconds));
    printf("verify %.0f\n", rate(OP_VERIFY, threads, seconds));
    printf("sha256_600 %.0f\n", rate(OP_SHA, threads, seconds));
    return 0;
}
