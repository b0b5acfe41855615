/*
 * fuzz_replay.c - runs saved inputs through the fuzz target without libFuzzer: each argument is a
 * file or a folder (every regular file in it). Used by ctest over corpus/ and to reproduce a crash
 * input with any compiler: fuzz_slabbin_replay crash-<hash>.
 */
#define _POSIX_C_SOURCE 200809L   /* opendir */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* Runs one file; 0 if it cannot be read. */
static int run_file(const char *path) {
    FILE *f = fopen(path, "rb");
    if (f == NULL) return 0;
    uint8_t *buf = NULL;
    size_t len = 0, cap = 0, n;
    do {
        if (len == cap) {
            cap = cap ? 2 * cap : 4096;
            uint8_t *b = realloc(buf, cap);
            if (b == NULL) {
                free(buf);
                fclose(f);
                return 0;
            }
            buf = b;
        }
        n = fread(buf + len, 1, cap - len, f);
        len += n;
    } while (n > 0);
    int ok = !ferror(f);
    fclose(f);
    if (ok) LLVMFuzzerTestOneInput(buf, len);
    free(buf);
    return ok;
}

int main(int argc, char **argv) {
    LLVMFuzzerInitialize(&argc, &argv);
    if (argc < 2) {
        fprintf(stderr, "usage: %s FILE|FOLDER...\n", argv[0]);
        return 2;
    }
    unsigned long files = 0;
    for (int i = 1; i < argc; i++) {
        DIR *d = opendir(argv[i]);
        if (d == NULL) {
            if (!run_file(argv[i])) {
                fprintf(stderr, "cannot read %s\n", argv[i]);
                return 2;
            }
            files++;
            continue;
        }
        struct dirent *e;
        while ((e = readdir(d)) != NULL) {
            if (e->d_name[0] == '.') continue;
            size_t len = strlen(argv[i]) + strlen(e->d_name) + 2;
            char *path = malloc(len);
            if (path == NULL) return 2;
            snprintf(path, len, "%s/%s", argv[i], e->d_name);
            files += (unsigned long)run_file(path);
            free(path);
        }
        closedir(d);
    }
    if (files == 0) {
        fprintf(stderr, "no input files\n");
        return 2;
    }
    return 0;
}
