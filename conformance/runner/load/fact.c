/* fact.c -- the catalogue of facts and their one-line text form. */
#include "load/fact.h"

#include <string.h>

static const struct fact_info catalogue[FACT_COUNT] = {
    [FACT_ACK_DEVICE] = {"ack-device",
                         {"got", "want"},
                         "the ACK names another device id than the record's"},
    [FACT_ACK_TEMP_TEXT] = {"ack-temp-text",
                            {"got", "want"},
                            "the ACK's temperature is the right number written another way"},
    [FACT_ACK_TEMP_VALUE] = {"ack-temp-value",
                             {"got", "want"},
                             "the ACK's temperature is another number"},
    [FACT_ACK_NOT_ERROR] = {"ack-not-error",
                            {"line", NULL},
                            "an ACK came where ERROR was expected (the input is invalid)"},
    [FACT_ERROR_NOT_ACK] = {"error-not-ack",
                            {"line", NULL},
                            "an ERROR came where an ACK was expected (the input is valid)"},
    [FACT_CRLF] = {"crlf", {NULL, NULL}, "a line ends with \\r\\n instead of \\n"},
    [FACT_NO_NEWLINE] = {"no-newline", {NULL, NULL}, "everything but the final \\n came"},
    [FACT_LETTER_CASE] = {"letter-case", {NULL, NULL}, "it differs in letter case only"},
    [FACT_NOTHING] = {"nothing",
                      {"expected", NULL},
                      "nothing came back; |expected| is the first word that was due"},
    [FACT_SHORT] = {"short",
                    {"got", "missing"},
                    "only the first |got| bytes came, |missing| short, then a close or a timeout"},
    [FACT_SHORT_POW2] = {"short-pow2",
                         {"got", NULL},
                         "what came stops at a power of two of at least 256 bytes"},
    [FACT_SKIPPED] = {"skipped",
                      {"n", "at"},
                      "|n| expected bytes after byte |at| are missing, then the rest follows"},
    [FACT_REPEATED] = {"repeated",
                       {"at", "from"},
                       "at byte |at|, bytes from offset |from| came a second time"},
    [FACT_NUL_BYTE] = {"nul-byte",
                       {"at", NULL},
                       "the first difference is at a NUL byte of the expected bytes"},
    [FACT_UNENDED_LINE] = {"unended-line",
                           {"missing", NULL},
                           "what came stops after the last \\n; the |missing| bytes after it "
                           "hold none"},
};

const struct fact_info *fact_info(enum fact_kind k)
{
    return (unsigned)k < FACT_COUNT ? &catalogue[k] : NULL;
}

int fact_lookup(const char *name, size_t n)
{
    for (int k = 0; k < FACT_COUNT; k++)
        if (strlen(catalogue[k].name) == n && memcmp(catalogue[k].name, name, n) == 0)
            return k;
    return -1;
}

int fact_has_key(enum fact_kind k, const char *key, size_t n)
{
    const struct fact_info *fi = fact_info(k);
    for (int i = 0; fi && i < FACT_MAX_KEYS && fi->keys[i]; i++)
        if (strlen(fi->keys[i]) == n && memcmp(fi->keys[i], key, n) == 0)
            return 1;
    return 0;
}

static int plain(unsigned char c)
{
    return c > 0x20 && c < 0x7f && c != '=' && c != '\\';
}

static int add_value(struct bytes *facts, const char *key, const char *v)
{
    char esc[FACT_VALUE_MAX + 8];
    size_t o = 0;
    static const char hex[] = "0123456789abcdef";
    for (const unsigned char *p = (const unsigned char *)v; *p && o + 4 <= FACT_VALUE_MAX; p++) {
        if (plain(*p)) {
            esc[o++] = (char)*p;
        } else {
            esc[o++] = '\\';
            esc[o++] = 'x';
            esc[o++] = hex[*p >> 4];
            esc[o++] = hex[*p & 15];
        }
    }
    esc[o] = 0;
    return bytes_printf(facts, " %s=%s", key, esc);
}

int fact_add(struct bytes *facts, enum fact_kind k, const char *v1, const char *v2)
{
    const struct fact_info *fi = fact_info(k);
    if (!fi || (fi->keys[0] && !v1) || (fi->keys[1] && !v2))
        return -1;
    /* Built aside so that a full buffer never keeps half a line. */
    struct bytes line;
    bytes_init(&line, 512);
    int rc = bytes_puts(&line, fi->name);
    if (rc == 0 && fi->keys[0])
        rc = add_value(&line, fi->keys[0], v1);
    if (rc == 0 && fi->keys[1])
        rc = add_value(&line, fi->keys[1], v2);
    if (rc == 0)
        rc = bytes_puts(&line, "\n");
    if (rc == 0)
        rc = bytes_append(facts, line.data, line.len);
    bytes_cleanup(&line);
    return rc;
}

/* Does the line [s, e) hold the word |w| (a name or a key=value) as a whole field? */
static int line_has(const char *s, const char *e, const char *w, int first_only)
{
    size_t wl = strlen(w);
    const char *p = s;
    while (p < e) {
        const char *q = memchr(p, ' ', (size_t)(e - p));
        if (!q)
            q = e;
        if ((size_t)(q - p) == wl && memcmp(p, w, wl) == 0)
            return 1;
        if (first_only)
            return 0;
        p = q + 1;
    }
    return 0;
}

const char *fact_find(const char *facts, const char *name, const char *const *pairs, size_t n_pairs)
{
    for (const char *s = facts; s && *s;) {
        const char *e = strchr(s, '\n');
        if (!e)
            e = s + strlen(s);
        int ok = line_has(s, e, name, 1);
        for (size_t i = 0; ok && i < n_pairs; i++)
            ok = line_has(s, e, pairs[i], 0);
        if (ok)
            return s;
        s = *e ? e + 1 : e;
    }
    return NULL;
}

void fact_value(const char *line, const char *key, char *out, size_t outlen)
{
    if (outlen)
        out[0] = 0;
    const char *e = strchr(line, '\n');
    if (!e)
        e = line + strlen(line);
    size_t kl = strlen(key);
    for (const char *p = strchr(line, ' '); p && p < e;
         p = memchr(p + 1, ' ', (size_t)(e - p - 1))) {
        const char *f = p + 1;
        if ((size_t)(e - f) > kl && memcmp(f, key, kl) == 0 && f[kl] == '=') {
            const char *v = f + kl + 1, *ve = memchr(v, ' ', (size_t)(e - v));
            size_t n = (size_t)((ve ? ve : e) - v);
            if (outlen) {
                n = n < outlen - 1 ? n : outlen - 1;
                memcpy(out, v, n);
                out[n] = 0;
            }
            return;
        }
        if (p + 1 >= e)
            break;
    }
}
