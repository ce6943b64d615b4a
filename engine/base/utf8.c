/* UTF-8 validation for names (spec: binary format, names; Unicode's well-formed byte sequences:
 * no overlong forms, no surrogates, nothing above U+10FFFF). */
#include "utf8.h"

bool
utf8_is_valid(const uint8_t *s, size_t len)
{
    size_t i = 0;
    while (i < len) {
        uint8_t c = s[i];
        if (c < 0x80) {
            i++;
            continue;
        }
        size_t n;
        uint32_t min, cp;
        if ((c & 0xe0) == 0xc0) {
            n = 2, min = 0x80, cp = c & 0x1f;
        } else if ((c & 0xf0) == 0xe0) {
            n = 3, min = 0x800, cp = c & 0x0f;
        } else if ((c & 0xf8) == 0xf0) {
            n = 4, min = 0x10000, cp = c & 0x07;
        } else {
            return false;
        }
        if (n > len - i)
            return false;
        for (size_t k = 1; k < n; k++) {
            if ((s[i + k] & 0xc0) != 0x80)
                return false;
            cp = (cp << 6) | (s[i + k] & 0x3f);
        }
        if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
            return false;
        i += n;
    }
    return true;
}
