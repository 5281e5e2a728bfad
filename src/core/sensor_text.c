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
 * Below U+0800 this is exactly Rust 1.95's table. From U+0800 up it is an approximation:
 * only these common invisible, formatting, combining, private-use and non-character ranges
 * (each checked to be escaped in full by Rust); other code points >= U+0800 that Rust
 * escapes (unassigned code points, most combining marks of other scripts) are printed raw.
 */
static const uint32_t DEBUG_ESCAPED[][2] = {
    {0x0000, 0x001F}, {0x007F, 0x00A0}, {0x00AD, 0x00AD}, {0x0300, 0x036F}, {0x0378, 0x0379},
    {0x0380, 0x0383}, {0x038B, 0x038B}, {0x038D, 0x038D}, {0x03A2, 0x03A2}, {0x0483, 0x0489},
    {0x0530, 0x0530}, {0x0557, 0x0558}, {0x058B, 0x058C}, {0x0590, 0x05BD}, {0x05BF, 0x05BF},
    {0x05C1, 0x05C2}, {0x05C4, 0x05C5}, {0x05C7, 0x05CF}, {0x05EB, 0x05EE}, {0x05F5, 0x0605},
    {0x0610, 0x061A}, {0x061C, 0x061C}, {0x064B, 0x065F}, {0x0670, 0x0670}, {0x06D6, 0x06DD},
    {0x06DF, 0x06E4}, {0x06E7, 0x06E8}, {0x06EA, 0x06ED}, {0x070E, 0x070F}, {0x0711, 0x0711},
    {0x0730, 0x074C}, {0x07A6, 0x07B0}, {0x07B2, 0x07BF}, {0x07EB, 0x07F3}, {0x07FB, 0x07FD},
    /* approximation from here on */
    {0x1680, 0x1680}, {0x1AB0, 0x1AFF}, {0x1DC0, 0x1DFF}, {0x2000, 0x200F}, {0x2028, 0x202F},
    {0x205F, 0x206F}, {0x20D0, 0x20FF}, {0x3000, 0x3000}, {0xD7FC, 0xD7FF}, {0xE000, 0xF8FF},
    {0xFDD0, 0xFDEF}, {0xFE00, 0xFE0F}, {0xFE20, 0xFE2F}, {0xFEFF, 0xFEFF}, {0xFFF0, 0xFFFB},
    {0xFFFE, 0xFFFF}, {0xE0000, 0x10FFFF},
};

static bool debug_escapes(uint32_t cp)
{
    for (size_t i = 0; i < sizeof DEBUG_ESCAPED / sizeof DEBUG_ESCAPED[0]; i++) {
        if (cp >= DEBUG_ESCAPED[i][0] && cp <= DEBUG_ESCAPED[i][1]) {
            return true;
        }
    }
    return false;
}

void sensor_text_put_debug_str(struct textbuf *b, const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;
    textbuf_put(b, "\"", 1);
    while (i < len) {
        uint32_t cp;
        size_t n = utf8_decode1(p + i, len - i, &cp);
        char esc[16];
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

char *sensor_debug(const struct sensor_record *r, size_t *out_len)
{
    char f[NUMFMT_BUFSIZE];
    struct textbuf b;
    size_t fn;

    if (r == NULL || !textbuf_init_growable(&b, r->device_id_len + 128)) {
        return NULL;
    }
    textbuf_puts(&b, "SensorData { device_id: ");
    sensor_text_put_debug_str(&b, r->device_id != NULL ? r->device_id : "",
                      r->device_id != NULL ? r->device_id_len : 0);
    textbuf_puts(&b, ", temperature_c: ");
    fn = numfmt_f32_debug(r->temperature_c, f);
    textbuf_put(&b, f, fn);
    textbuf_puts(&b, ", humidity_percent: ");
    fn = numfmt_f32_debug(r->humidity_percent, f);
    textbuf_put(&b, f, fn);
    textbuf_puts(&b, ", timestamp: ");
    textbuf_put_u64(&b, r->timestamp);
    textbuf_puts(&b, " }");
    return textbuf_finish(&b, out_len);
}
