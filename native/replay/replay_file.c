/*
 * replay_file.c - the C-driven replay of a decoded trace read from a file, outside the JVM: for
 * profilers (valgrind cachegrind, perf stat) and for preloading another malloc (LD_PRELOAD) into
 * a small process. scripts/profile-replay writes the files (io.github.slabbin.replay.TraceDump)
 * and runs this.
 *
 *   slabbin_replay_file FILE malloc|slabbin|unchecked RUNS [FIRST_SLAB_BYTES]
 *
 * replays the trace RUNS times (replay_run, replay.h) through malloc, checked slabbin or
 * unchecked slabbin (slabs growing from FIRST_SLAB_BYTES, replay_classes_t.initial_slab_bytes;
 * 0 or absent: no growth), checking every block's first and last 8 bytes, and prints per run its time
 * in nanoseconds. Exit status 0, 1 when a run failed (pattern mismatch, out of memory), 2 for bad
 * usage or an unreadable file.
 *
 * File format (native byte order, no padding), the one definition TraceDump follows:
 *   8 bytes "SLBRPLY1"; int64 events; int32 blocks; int32 class count C; int64 limit;
 *   int32 class_of entries K (= limit / 16 + 1);
 *   uint8 op[events]; int32 id[events]; int32 old_id[events]; int64 size[events];
 *   int64 class_size[C]; int32 class_of[K].
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "replay.h"

static int read_all(FILE *f, void *p, size_t size, size_t count) {
    return count == 0 || fread(p, size, count, f) == count;
}

static void *array(FILE *f, size_t size, int64_t count, int *ok) {
    if (!*ok || count < 0) { *ok = 0; return NULL; }
    void *p = malloc(size * (size_t)(count > 0 ? count : 1));
    if (p == NULL || !read_all(f, p, size, (size_t)count)) *ok = 0;
    return p;
}

int main(int argc, char **argv) {
    if (argc != 4 && argc != 5) {
        fprintf(stderr, "usage: %s FILE malloc|slabbin|unchecked RUNS [FIRST_SLAB_BYTES]\n",
                argv[0]);
        return 2;
    }
    int mode = strcmp(argv[2], "malloc") == 0 ? 0
               : strcmp(argv[2], "slabbin") == 0 ? 1
               : strcmp(argv[2], "unchecked") == 0 ? REPLAY_SLABS_UNCHECKED : -1;
    int runs = atoi(argv[3]);
    long long first_slab = argc == 5 ? atoll(argv[4]) : 0;
    if (mode < 0 || runs < 1 || first_slab < 0) {
        fprintf(stderr, "%s: bad allocator '%s' or run count '%s'\n", argv[0], argv[2], argv[3]);
        return 2;
    }
    FILE *f = fopen(argv[1], "rb");
    if (f == NULL) {
        perror(argv[1]);
        return 2;
    }
    char magic[8];
    int64_t events = 0, limit = 0;
    int32_t blocks = 0, count = 0, entries = 0;
    int ok = read_all(f, magic, 1, 8) && memcmp(magic, "SLBRPLY1", 8) == 0
             && read_all(f, &events, sizeof events, 1) && read_all(f, &blocks, sizeof blocks, 1)
             && read_all(f, &count, sizeof count, 1) && read_all(f, &limit, sizeof limit, 1)
             && read_all(f, &entries, sizeof entries, 1);
    uint8_t *op = array(f, 1, events, &ok);
    int32_t *id = array(f, sizeof(int32_t), events, &ok);
    int32_t *old_id = array(f, sizeof(int32_t), events, &ok);
    int64_t *size = array(f, sizeof(int64_t), events, &ok);
    int64_t *class_size = array(f, sizeof(int64_t), count, &ok);
    int32_t *class_of = array(f, sizeof(int32_t), entries, &ok);
    fclose(f);
    if (!ok || entries != limit / 16 + 1) {
        fprintf(stderr, "%s: %s is not a complete trace file\n", argv[0], argv[1]);
        return 2;
    }
    replay_trace_t t = {(size_t)events, op, id, old_id, size, blocks};
    replay_classes_t c = {count, class_size, class_of, limit, (int64_t)first_slab};
    int status = 0;
    for (int i = 0; i < runs && status == 0; i++) {
        replay_result_t r;
        int rc = replay_run(&t, &c, mode, 0, &r);
        if (rc != 0 || r.bad_event >= 0) {
            fprintf(stderr, "%s: run %d failed: rc %d, bad event %" PRId64 "\n", argv[0], i, rc,
                    r.bad_event);
            status = 1;
        } else {
            printf("%" PRId64 "\n", r.nanos);
        }
    }
    free(op);
    free(id);
    free(old_id);
    free(size);
    free(class_size);
    free(class_of);
    return status;
}
