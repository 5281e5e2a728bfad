/* sensor.h -- the seed's SensorData record: decode exactly as serde_json does, encode, replies. */
#ifndef WIRECHECK_SENSOR_H
#define WIRECHECK_SENSOR_H

#include <stddef.h>
#include <stdint.h>

#include "status.h"

/* The two replies the seed's JSON server sends. */
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

/* Why a decode failed, in serde_json's words where it has them, for logs and transcripts. */
struct sensor_error {
    char msg[160];   /* e.g. "missing field `timestamp` at line 1 column 60" */
    size_t line;     /* 1-based position of the error in the lossy text, as serde counts */
    size_t column;
};

/* The seed client's record: ESP32-001, 21.5, 60.2, 1678886400. device_id points to static
 * storage: do not pass it to sensor_record_cleanup. */
extern const struct sensor_record sensor_seed_record;

/*
 * Decodes one message the way the seed's server does: String::from_utf8_lossy on the bytes,
 * then serde_json::from_str::<SensorData>. |data| is raw bytes (any bytes; ill-formed UTF-8
 * becomes U+FFFD first, so it is accepted inside strings and rejected elsewhere).
 * Accepts an object with the four fields in any order (unknown fields skipped with no depth
 * limit and no recursion; a duplicated known field rejected) or the sequence form
 * ["id", t, h, ts]; surrounding JSON whitespace allowed, nothing else.
 * On success returns WC_OK and fills |*out| (release with sensor_record_cleanup).
 * On failure returns WC_ERR_INVALID (|*err| says why, if |err| is not NULL) or WC_ERR_NOMEM;
 * |*out| is then zeroed.
 */
int sensor_decode(const void *data, size_t len, struct sensor_record *out,
                  struct sensor_error *err);

/* Frees the record's device_id and zeroes it. Safe on a zeroed record. */
void sensor_record_cleanup(struct sensor_record *r);

/*
 * serde_json::to_string of the record, built with cJSON, with f32 fields in Rust's shortest
 * form: {"device_id":"ESP32-001","temperature_c":21.5,"humidity_percent":60.2,
 * "timestamp":1678886400}. Non-finite floats encode as null, as serde_json does.
 * Returns a malloc'd NUL-terminated string (caller frees with free()) and its length in
 * *out_len, or NULL on allocation failure.
 */
char *sensor_encode(const struct sensor_record *r, size_t *out_len);

/*
 * The seed server's acknowledgement: "ACK: Received data from <device_id> (Temp: <t>C)\n"
 * with t in Rust's f32 Display form. Returns a malloc'd string (caller frees) and its length
 * in *out_len, or NULL on allocation failure.
 */
char *sensor_ack(const struct sensor_record *r, size_t *out_len);

/*
 * Rust's {:?} of the record, as the seed server logs it:
 * SensorData { device_id: "ESP32-001", temperature_c: 21.5, humidity_percent: 60.2,
 * timestamp: 1678886400 }. Returns a malloc'd string (caller frees), NULL on failure.
 */
char *sensor_debug(const struct sensor_record *r, size_t *out_len);

#endif
