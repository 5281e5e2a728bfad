#!/usr/bin/env bash
# Gradescope's setup.sh: builds and installs wirecheck in the autograder's image, once. The
# autograder zip holds this file, run_autograder, your grading file (grading.grade) and
# wirecheck's source (wirecheck/).
set -euo pipefail
cd /autograder/source
wirecheck/scripts/setup.sh
cmake -S wirecheck -B build -G Ninja -DCMAKE_BUILD_TYPE=Release -DWIRECHECK_BUILD_TESTS=OFF
cmake --build build
cmake --install build
