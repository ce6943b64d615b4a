/* Reads all of stdin and prints line, word and byte counts, a checksum, and the longest line. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

int
main(void)
{
    char line[256], longest[256] = "";
    unsigned long lines = 0, words = 0, bytes = 0, sum = 0;
    int c, in_word = 0;
    size_t len = 0;
    while ((c = getchar()) != EOF) {
        bytes++;
        sum = sum * 31 + (unsigned char)c;
        if (isspace(c))
            in_word = 0;
        else if (!in_word) {
            in_word = 1;
            words++;
        }
        if (c == '\n') {
            lines++;
            line[len] = 0;
            if (len > strlen(longest))
                strcpy(longest, line);
            len = 0;
        } else if (len < sizeof line - 1) {
            line[len++] = (char)c;
        }
    }
    printf("%lu lines, %lu words, %lu bytes, checksum %lu\n", lines, words, bytes, sum);
    printf("longest: %s\n", longest);
    return 0;
}
