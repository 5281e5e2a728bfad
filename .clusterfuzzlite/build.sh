#!/bin/bash -eu
# ClusterFuzzLite's build step, run in the Dockerfile's image with OSS-Fuzz's environment
# ($SRC, $OUT, $WORK, $CC, $CFLAGS, $LIB_FUZZING_ENGINE, $SANITIZER). The work is done by
# fuzz/oss-fuzz/build.sh, which writes every harness, its seed corpus zip, dictionary and
# options file to $OUT; fuzz/oss-fuzz/check runs this script the same way on every test run.
export WIRECHECK_CJSON_SOURCE_DIR=${WIRECHECK_CJSON_SOURCE_DIR:-$SRC/cjson}
exec "$SRC/wirecheck/fuzz/oss-fuzz/build.sh"
