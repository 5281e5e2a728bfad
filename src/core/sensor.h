/* sensor.h -- the seed's SensorData record: decode exactly as serde_json does, encode, replies. */
#ifndef WIRECHECK_SENSOR_H
#define WIRECHECK_SENSOR_H

#include <stddef.h>
#include <stdint.h>

#include "status.h"
#include "textbuf.h"

/* The seed JSON server's reply to a message it cannot decode (sensor_ack builds the other). */
#define SENSOR_ERROR_REPLY "ERROR: Invalid JSON\n"

/*
 * One SensorData record. device_id is owned by the record (malloc'd, NUL-terminated for
 * convenience but may contain NUL bytes: always use device_id_len), valid UTF-8.
 */
struct sensor_record {
    char *device_id;
    size_t device_id_len;
    float temperature_c;
    float humidity_percent;
    uint64_t timestamp;
};

/*
 * Why a decode failed, in serde_json's words and with its position, for logs and transcripts:
 * the text is serde_json's Display of the error (e.g. "missing field `timestamp` at line 1
 * column 60"), cut to fit |msg|. Known differences: Rust's Debug escaping of a quoted string
 * value is approximated for some code points >= U+0800, and a float is worded with printf's
 * shortest digits (rarely one last digit off Rust's).
 */
struct sensor_error {
    char msg[160];
    size_t line;     /* 1-based line of the error in the lossy text, as serde counts */
    size_t column;   /* bytes since the last '\n' before the error, as serde counts */
};

/* The seed client's record: ESP32-001, 21.5, 60.2, 1678886400. device_id points to static
 * storage: do not pass it to sensor_record_cleanup. */
extern const struct sensor_record sensor_seed_record;

/*
 * Decodes one message the way the seed's server does: String::from_utf8_lossy on the bytes,
 * then serde_json::from_str::<SensorData> (serde_json 1.0.87, serde 1.0.152): it accepts
 * exactly the same inputs and yields the same values, bit for bit. |data| is raw bytes (any
 * bytes; ill-formed UTF-8 becomes U+FFFD first, so it is accepted inside strings and rejected
 * elsewhere).
 * Accepts an object with the four fields in any order (keys compared after unescaping; unknown
 * fields skipped with serde's syntax check, no depth limit and no recursion; a duplicated or
 * null known field rejected) or the sequence form ["id", t, h, ts]; surrounding JSON
 * whitespace (space, \t, \n, \r) allowed, nothing else. The floats are parsed with serde's
 * own (not always correctly rounded) algorithm, then narrowed to f32 (1e39 gives inf, 1e400
 * is an error); the timestamp must be an integer literal in u64's range (not 1.0, 1e3, -0).
 * A blank message is an error here ("EOF while parsing a value"); the seed's server does not
 * call the decoder for messages that are blank after Rust's trim().
 * On success returns WC_OK and fills |*out| (release with sensor_record_cleanup).
 * On failure returns WC_ERR_INVALID (|*err| says why, if |err| is not NULL), WC_ERR_NOMEM, or
 * WC_ERR_ARG when |out| is NULL or |data| is NULL with |len| > 0; |*out| is then zeroed.
 */
int sensor_decode(const void *data, size_t len, struct sensor_record *out,
                  struct sensor_error *err);

/* Frees the record's device_id and zeroes it. Safe on a zeroed record. */
void sensor_record_cleanup(struct sensor_record *r);

/*
 * serde_json::to_string of the record, byte for byte, built with cJSON:
 * {"device_id":"ESP32-001","temperature_c":21.5,"humidity_percent":60.2,
 * "timestamp":1678886400}. The f32 fields are written as serde_json writes them, by
 * numfmt_f32_json (ryu's shortest form, which is not Rust's Display: 21.0 -> "21.0", 1e20 ->
 * "1e20", 1e-7 -> "1e-7", and ties between two shortest candidates go to the even digit);
 * non-finite floats encode as null. device_id is escaped as serde_json does (\" \\ \b \f \n \r \t, other
 * bytes below 0x20 as \u00xx, everything else raw), NUL bytes included.
 * Returns a malloc'd NUL-terminated string (caller frees with free()) and its length in
 * *out_len, or NULL on allocation failure or a NULL |r|.
 */
char *sensor_encode(const struct sensor_record *r, size_t *out_len);

/*
 * The seed server's acknowledgement: "ACK: Received data from <device_id> (Temp: <t>C)\n"
 * with device_id's bytes as they are (NUL included) and t in Rust's f32 Display form.
 * Returns a malloc'd NUL-terminated string (caller frees) and its length in *out_len, or
 * NULL on allocation failure or a NULL |r|.
 */
char *sensor_ack(const struct sensor_record *r, size_t *out_len);

/*
 * Rust's {:?} of the record, as the seed server logs it:
 * SensorData { device_id: "ESP32-001", temperature_c: 21.5, humidity_percent: 60.2,
 * timestamp: 1678886400 }. device_id gets str's Debug escaping (\0 \t \r \n \" \\ and
 * \u{..}); which code points are escaped is exact below U+0800 and approximated above
 * (common invisible, combining, private-use and non-character ranges only; see
 * sensor_text.c).
 * Returns a malloc'd string (caller frees) and its length in *out_len (if not NULL), or NULL
 * on allocation failure or a NULL |r|.
 */
char *sensor_debug(const struct sensor_record *r, size_t *out_len);

/* The same text appended to |b| (growable, or fixed and then cut where it is full), for a
 * caller that keeps its own buffer. |r| must not be NULL; a NULL device_id counts as "". */
void sensor_debug_put(struct textbuf *b, const struct sensor_record *r);

#endif
