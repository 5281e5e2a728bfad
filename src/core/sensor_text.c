/* sensor_text.c -- a SensorData as text: serde_json's encoding, the seed's ACK, Rust's Debug. */
#include "sensor.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "numfmt.h"
#include "sensor_int.h"
#include "textbuf.h"
#include "utf8.h"

/* ---- Rust's Debug escaping of a str (also used by sensor_error.c) ------------------------- */

/*
 * Code points Rust's <str as Debug> prints as \u{..} (not printable, or Grapheme_Extend).
 * Below U+0800 this is exactly Rust 1.95's table, as a bitmap (bit c of DEBUG_LOW: escaped),
 * generated from these ranges: 0000-001F 007F-00A0 00AD 0300-036F 0378-0379 0380-0383 038B
 * 038D 03A2 0483-0489 0530 0557-0558 058B-058C 0590-05BD 05BF 05C1-05C2 05C4-05C5 05C7-05CF
 * 05EB-05EE 05F5-0605 0610-061A 061C 064B-065F 0670 06D6-06DD 06DF-06E4 06E7-06E8 06EA-06ED
 * 070E-070F 0711 0730-074C 07A6-07B0 07B2-07BF 07EB-07F3 07FB-07FD.
 * From U+0800 up it is an approximation (DEBUG_HIGH, sorted, searched by halves): only these
 * common invisible, formatting, combining, private-use and non-character ranges (each checked
 * to be escaped in full by Rust); other code points >= U+0800 that Rust escapes (unassigned
 * code points, most combining marks of other scripts) are printed raw.
 */
static const uint64_t DEBUG_LOW[32] = {
    UINT64_C(0x00000000FFFFFFFF),
    UINT64_C(0x8000000000000000),
    UINT64_C(0x00002001FFFFFFFF),
    UINT64_C(0x0000000000000000),
    UINT64_C(0x0000000000000000),
    UINT64_C(0x0000000000000000),
    UINT64_C(0x0000000000000000),
    UINT64_C(0x0000000000000000),
    UINT64_C(0x0000000000000000),
    UINT64_C(0x0000000000000000),
    UINT64_C(0x0000000000000000),
    UINT64_C(0x0000000000000000),
    UINT64_C(0xFFFFFFFFFFFFFFFF),
    UINT64_C(0x0300FFFFFFFFFFFF),
    UINT64_C(0x000000040000280F),
    UINT64_C(0x0000000000000000),
    UINT64_C(0x0000000000000000),
    UINT64_C(0x0000000000000000),
    UINT64_C(0x00000000000003F8),
    UINT64_C(0x0000000000000000),
    UINT64_C(0x0001000000000000),
    UINT64_C(0x0000000001800000),
    UINT64_C(0xBFFFFFFFFFFF1800),
    UINT64_C(0xFFE078000000FFB6),
    UINT64_C(0x0000000017FF003F),
    UINT64_C(0x00010000FFFFF800),
    UINT64_C(0x0000000000000000),
    UINT64_C(0x00003D9FBFC00000),
    UINT64_C(0xFFFF00000002C000),
    UINT64_C(0x0000000000001FFF),
    UINT64_C(0xFFFDFFC000000000),
    UINT64_C(0x380FF80000000000)
};

static const uint32_t DEBUG_HIGH[][2] = {
    {0x1680, 0x1680}, {0x1AB0, 0x1AFF}, {0x1DC0, 0x1DFF}, {0x2000, 0x200F}, {0x2028, 0x202F},
    {0x205F, 0x206F}, {0x20D0, 0x20FF}, {0x3000, 0x3000}, {0xD7FC, 0xD7FF}, {0xE000, 0xF8FF},
    {0xFDD0, 0xFDEF}, {0xFE00, 0xFE0F}, {0xFE20, 0xFE2F}, {0xFEFF, 0xFEFF}, {0xFFF0, 0xFFFB},
    {0xFFFE, 0xFFFF}, {0xE0000, 0x10FFFF},
};

static bool debug_escapes(uint32_t cp)
{
    size_t lo = 0;
    size_t hi = sizeof DEBUG_HIGH / sizeof DEBUG_HIGH[0];
    if (cp < 0x800) {
        return (DEBUG_LOW[cp >> 6] >> (cp & 63)) & 1u;
    }
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (cp < DEBUG_HIGH[mid][0]) {
            hi = mid;
        } else if (cp > DEBUG_HIGH[mid][1]) {
            lo = mid + 1;
        } else {
            return true;
        }
    }
    return false;
}

/* ASCII that Debug copies as it is: printable, not '"' or '\\'. */
static bool debug_plain_ascii(unsigned char c)
{
    return c >= 0x20 && c < 0x7F && c != '"' && c != '\\';
}

void sensor_text_put_debug_str(struct textbuf *b, const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;
    textbuf_put(b, "\"", 1);
    while (i < len) {
        uint32_t cp;
        size_t n;
        char esc[16];
        size_t run = i;
        while (run < len && debug_plain_ascii(p[run])) {
            run++;
        }
        if (run > i) {
            textbuf_put(b, p + i, run - i);
            i = run;
            continue;
        }
        n = utf8_decode1(p + i, len - i, &cp);
        if (cp == UTF8_INVALID) {
            break;
        }
        switch (cp) {
        case 0:
            textbuf_put(b, "\\0", 2);
            break;
        case '\t':
            textbuf_put(b, "\\t", 2);
            break;
        case '\r':
            textbuf_put(b, "\\r", 2);
            break;
        case '\n':
            textbuf_put(b, "\\n", 2);
            break;
        case '"':
            textbuf_put(b, "\\\"", 2);
            break;
        case '\\':
            textbuf_put(b, "\\\\", 2);
            break;
        default:
            if (debug_escapes(cp)) {
                int m = snprintf(esc, sizeof esc, "\\u{%lx}", (unsigned long)cp);
                textbuf_put(b, esc, (size_t)m);
            } else {
                textbuf_put(b, p + i, n);
            }
            break;
        }
        i += n;
    }
    textbuf_put(b, "\"", 1);
}

/* ---- serde_json's encoding ------------------------------------------------------------- */

/* serde_json's string escaping, for the one case cJSON cannot take (see sensor_encode). */
static void put_json_str(struct textbuf *b, const char *s, size_t len)
{
    static const char HEX[] = "0123456789abcdef";
    textbuf_put(b, "\"", 1);
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        const char *esc = NULL;
        switch (c) {
        case '"':
            esc = "\\\"";
            break;
        case '\\':
            esc = "\\\\";
            break;
        case '\b':
            esc = "\\b";
            break;
        case '\f':
            esc = "\\f";
            break;
        case '\n':
            esc = "\\n";
            break;
        case '\r':
            esc = "\\r";
            break;
        case '\t':
            esc = "\\t";
            break;
        default:
            break;
        }
        if (esc != NULL) {
            textbuf_puts(b, esc);
        } else if (c < 0x20) {
            char u[7] = {'\\', 'u', '0', '0', HEX[c >> 4], HEX[c & 0xF], '\0'};
            textbuf_put(b, u, 6);
        } else {
            textbuf_put(b, &c, 1);
        }
    }
    textbuf_put(b, "\"", 1);
}

static bool add_raw(cJSON *obj, const char *name, const char *text)
{
    return cJSON_AddRawToObject(obj, name, text) != NULL;
}

char *sensor_encode(const struct sensor_record *r, size_t *out_len)
{
    char num[NUMFMT_BUFSIZE];
    char ts[24];
    cJSON *obj;
    char *json = NULL;
    bool ok;
    const char *id;
    size_t id_len;

    if (r == NULL) {
        return NULL;
    }
    id = r->device_id != NULL ? r->device_id : "";
    id_len = r->device_id != NULL ? r->device_id_len : 0;
    obj = cJSON_CreateObject();
    if (obj == NULL) {
        return NULL;
    }
    /*
     * cJSON escapes strings exactly as serde_json does (the short escapes, other bytes below
     * 0x20 as \u00xx in lowercase, DEL and non-ASCII raw) but reads them up to the first NUL.
     * A device_id holding NUL is therefore escaped here, serde_json's way, into a raw node.
     */
    if (memchr(id, '\0', id_len) == NULL) {
        ok = cJSON_AddStringToObject(obj, "device_id", id) != NULL;
    } else {
        struct textbuf b;
        char *escaped = NULL;
        if (textbuf_init_growable(&b, id_len + 16)) {
            put_json_str(&b, id, id_len);
            escaped = textbuf_finish(&b, NULL);
        }
        ok = escaped != NULL && add_raw(obj, "device_id", escaped);
        free(escaped);
    }
    numfmt_f32_json(r->temperature_c, num);
    ok = ok && add_raw(obj, "temperature_c", num);
    numfmt_f32_json(r->humidity_percent, num);
    ok = ok && add_raw(obj, "humidity_percent", num);
    snprintf(ts, sizeof ts, "%llu", (unsigned long long)r->timestamp);
    ok = ok && add_raw(obj, "timestamp", ts);
    if (ok) {
        json = cJSON_PrintUnformatted(obj);
    }
    cJSON_Delete(obj);
    if (json != NULL && out_len != NULL) {
        *out_len = strlen(json);
    }
    return json;
}

/* ---- the seed server's replies and log line ----------------------------------------------- */

char *sensor_ack(const struct sensor_record *r, size_t *out_len)
{
    char t[NUMFMT_BUFSIZE];
    struct textbuf b;
    size_t tn;

    if (r == NULL) {
        return NULL;
    }
    tn = numfmt_f32_display(r->temperature_c, t);
    if (!textbuf_init_growable(&b, r->device_id_len + 48)) {
        return NULL;
    }
    textbuf_puts(&b, "ACK: Received data from ");
    if (r->device_id != NULL) {
        textbuf_put(&b, r->device_id, r->device_id_len);
    }
    textbuf_puts(&b, " (Temp: ");
    textbuf_put(&b, t, tn);
    textbuf_puts(&b, "C)\n");
    return textbuf_finish(&b, out_len);
}

void sensor_debug_put(struct textbuf *b, const struct sensor_record *r)
{
    char f[NUMFMT_BUFSIZE];
    size_t fn;

    textbuf_puts(b, "SensorData { device_id: ");
    sensor_text_put_debug_str(b, r->device_id != NULL ? r->device_id : "",
                              r->device_id != NULL ? r->device_id_len : 0);
    textbuf_puts(b, ", temperature_c: ");
    fn = numfmt_f32_debug(r->temperature_c, f);
    textbuf_put(b, f, fn);
    textbuf_puts(b, ", humidity_percent: ");
    fn = numfmt_f32_debug(r->humidity_percent, f);
    textbuf_put(b, f, fn);
    textbuf_puts(b, ", timestamp: ");
    textbuf_put_u64(b, r->timestamp);
    textbuf_puts(b, " }");
}

char *sensor_debug(const struct sensor_record *r, size_t *out_len)
{
    struct textbuf b;

    if (r == NULL || !textbuf_init_growable(&b, r->device_id_len + 128)) {
        return NULL;
    }
    sensor_debug_put(&b, r);
    return textbuf_finish(&b, out_len);
}
