# ctests of the runner: case files and SPEC.md agree; every suite passes against the reference
# programs at every level; the seed's programs pass every core case (their known robust
# failures are the baselines); shell-level checks of the command line.
set(_wc_scale 2)
if(WIRECHECK_SANITIZE)
  set(_wc_scale 4)
endif()

add_test(NAME runner.lint COMMAND wirecheck lint)
set_tests_properties(runner.lint PROPERTIES LABELS "runner;selftest" TIMEOUT 60)

# The reference programs (conformance/suites.tsv), each on ports of its own ({addr}), so the
# tests run in parallel.
# reference.py: exit 0, and no diagnosis in the JSON report (a cause found in a correct
# program would be shown to every student whose program behaves the same).
function(wirecheck_reference_test name suite prog args)
  add_test(NAME runner.reference.${name}
           COMMAND /usr/bin/python3 ${PROJECT_SOURCE_DIR}/tests/e2e_runner/reference.py --
                   $<TARGET_FILE:wirecheck> run ${suite} --exec "$<TARGET_FILE:${prog}> ${args}"
                   --level all -j 2 --timeout-scale ${_wc_scale} --color never)
  set_tests_properties(runner.reference.${name} PROPERTIES
      LABELS "runner;selftest" TIMEOUT 180)
endfunction()
file(STRINGS ${CMAKE_CURRENT_SOURCE_DIR}/suites.tsv _wc_reference REGEX "^[^#]")
foreach(row IN LISTS _wc_reference)
  string(REPLACE "\t" ";" row "${row}")
  list(GET row 0 suite)
  list(GET row 1 prog)
  list(GET row 2 args)
  wirecheck_reference_test(${suite} ${suite} ${prog} "${args}")
endforeach()

# The event-driven servers against the same suites: echo-server-epoll must pass both echo
# suites (same bytes and log lines as the threaded server), sensor-server's --event-driven mode
# the sensor suite. NAME SUITE PROGRAM ARGS...
set(_wc_event_driven
    "tcp-echo.epoll tcp-echo echo-server-epoll --listen {addr}"
    "tcp-echo-threaded.epoll tcp-echo-threaded echo-server-epoll --listen {addr}"
    "sensor.event-driven sensor sensor-server --event-driven --listen {addr}")
foreach(spec IN LISTS _wc_event_driven)
  string(REPLACE " " ";" spec "${spec}")
  list(POP_FRONT spec name suite prog)
  list(JOIN spec " " args)
  wirecheck_reference_test(${name} ${suite} ${prog} "${args}")
endforeach()

# The seed's programs (hard-coded ports: never two at once), when they are built.
set(_wc_seed
    "tcp-echo           echo_server_serial    -"
    "tcp-echo-threaded  echo_server_threaded  -"
    "tcp-echo-threaded  echo_server_serial    seed-tcp-echo-threaded-serial.txt"
    "udp-echo           udp_server            seed-udp-echo.txt"
    "sensor             json_server           seed-sensor.txt"
    "tcp-echo-client    tcp_client            seed-tcp-echo-client.txt"
    "udp-echo-client    udp_client            seed-udp-echo-client.txt"
    "sensor-client      json_client           seed-sensor-client.txt")
foreach(spec IN LISTS _wc_seed)
  string(REGEX REPLACE " +" ";" spec "${spec}")
  list(GET spec 0 suite)
  list(GET spec 1 prog)
  list(GET spec 2 baseline)
  set(name runner.seed.${suite}.${prog})
  # The seed's clients block forever where a case waits for them to end, so each such case
  # lasts its whole bound times the scale: 1 here (they are native and quick otherwise).
  set(_scale ${_wc_scale})
  if(suite MATCHES "-client$")
    set(_scale 1)
  endif()
  add_test(NAME ${name}
           COMMAND sh ${PROJECT_SOURCE_DIR}/tests/e2e_runner/seed.sh $<TARGET_FILE:wirecheck>
                   ${suite} ${prog} ${baseline} ${_scale})
  # One lock per hard-coded port (the chapter's 7878, 8080, 1234), so suites on different
  # ports run side by side.
  if(suite MATCHES "^udp")
    set(_port 8080)
  elseif(suite MATCHES "^sensor")
    set(_port 1234)
  else()
    set(_port 7878)
  endif()
  set_tests_properties(${name} PROPERTIES LABELS "runner;selftest;seed" TIMEOUT 300
      SKIP_RETURN_CODE 77 RESOURCE_LOCK seed_port_${_port})
endforeach()

# The reports, read by their real consumers: prove, PyYAML, junitparser, jsonschema (dev only:
# what they check does not depend on the sanitizer; the writers' memory is unit-tested there).
if(NOT WIRECHECK_SANITIZE)
  add_test(NAME runner.reports
           COMMAND /usr/bin/python3 ${PROJECT_SOURCE_DIR}/tests/e2e_runner/reports.py
                   --wirecheck $<TARGET_FILE:wirecheck>
                   --programs $<TARGET_FILE_DIR:echo-server>
                   --faulty $<TARGET_FILE_DIR:faulty-echo-drop-last>
                   --conformance ${CMAKE_CURRENT_SOURCE_DIR} --scale ${_wc_scale})
  set_tests_properties(runner.reports PROPERTIES LABELS "runner;selftest" TIMEOUT 300)
endif()

# The command line: exit codes, malformed case files, reports, no process left behind.
add_test(NAME runner.cli
         COMMAND sh ${PROJECT_SOURCE_DIR}/tests/e2e_runner/cli.sh $<TARGET_FILE:wirecheck>
                 $<TARGET_FILE:echo-server> ${CMAKE_CURRENT_SOURCE_DIR})
set_tests_properties(runner.cli PROPERTIES LABELS "runner;selftest" TIMEOUT 120)

# The HTML report as a browser shows it: headless Chromium over the DevTools protocol opens the
# pages of a failing, a passing, a client and a hostile run (skipped without Chromium; dev
# only, like runner.reports).
if(NOT WIRECHECK_SANITIZE)
  add_test(NAME runner.html
           COMMAND /usr/bin/python3 ${PROJECT_SOURCE_DIR}/tests/e2e_runner/html_report.py
                   --wirecheck $<TARGET_FILE:wirecheck>
                   --programs $<TARGET_FILE_DIR:echo-server>
                   --faulty $<TARGET_FILE_DIR:faulty-echo-drop-last>
                   --conformance ${CMAKE_CURRENT_SOURCE_DIR} --scale ${_wc_scale})
  set_tests_properties(runner.html PROPERTIES LABELS "runner;selftest" TIMEOUT 300
      SKIP_RETURN_CODE 77)
endif()

# wirecheck grade on a class of 13 submissions made of the reference and faulty programs
# (tests/e2e_runner/grade.py): scores, Gradescope's fields, the CSV, index.html in headless
# Chromium, re-grading, shards and merge. Dev only: it runs the programs, not the runner's
# memory, and the sanitizer presets run the runner under every failure in faulty.matrix.
if(NOT WIRECHECK_SANITIZE)
  add_test(NAME runner.grade
           COMMAND /usr/bin/python3 ${PROJECT_SOURCE_DIR}/tests/e2e_runner/grade.py
                   --wirecheck $<TARGET_FILE:wirecheck>
                   --programs $<TARGET_FILE_DIR:echo-server>
                   --faulty $<TARGET_FILE_DIR:faulty-echo-drop-last>
                   --conformance ${CMAKE_CURRENT_SOURCE_DIR}
                   --contrib ${PROJECT_SOURCE_DIR}/contrib)
  set_tests_properties(runner.grade PROPERTIES LABELS "runner;selftest;sandbox" TIMEOUT 900
                       SKIP_RETURN_CODE 77)
  # contrib/'s workflows, read by PyYAML and held to what grade needs.
  add_test(NAME runner.contrib
           COMMAND /usr/bin/python3 ${PROJECT_SOURCE_DIR}/tests/e2e_runner/contrib.py
                   ${PROJECT_SOURCE_DIR}/contrib)
  set_tests_properties(runner.contrib PROPERTIES LABELS "runner;selftest" TIMEOUT 60)
  # The shipped grading file reads and checks (file:line errors are unit-tested).
  add_test(NAME runner.grading.chapter
           COMMAND wirecheck grade --check ${CMAKE_CURRENT_SOURCE_DIR}/grading/chapter.grade)
  set_tests_properties(runner.grading.chapter PROPERTIES LABELS "runner;selftest" TIMEOUT 60)
endif()

# wirecheck fuzz, short and deterministic (fixed seed and runs): every faulty server's and
# client's defect that one exchange can show found, written as a case file that lint accepts and
# run --case-file replays; nothing found in the seven reference programs; -j 2 and --corpus.
# Dev only (it runs programs; the runner's memory is watched in faulty.matrix). The long form is
# scripts/netfuzz-long.sh.
if(NOT WIRECHECK_SANITIZE)
  add_test(NAME runner.netfuzz
           COMMAND /usr/bin/python3 ${PROJECT_SOURCE_DIR}/tests/e2e_runner/netfuzz.py
                   --wirecheck $<TARGET_FILE:wirecheck>
                   --programs $<TARGET_FILE_DIR:echo-server>
                   --faulty $<TARGET_FILE_DIR:faulty-echo-drop-last>
                   --conformance ${CMAKE_CURRENT_SOURCE_DIR})
  set_tests_properties(runner.netfuzz PROPERTIES LABELS "runner;selftest" TIMEOUT 1200)
endif()
