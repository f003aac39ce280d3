# tests/report.cmake — tests of the evidence reports (cli/report*.c, docs/reports.md), included
# by tests/CMakeLists.txt. Owns:
#   report.snapshots       tests/report/run_reports.py: every tests/report/cases/*.rb run with
#                          --report x.md --report x.json --report x.xml, checked (exit code,
#                          JSON and XML parse and agree, no secret, no control character) and
#                          compared, normalised, with tests/report/snapshots/; plus refusals.
#   report.runner-selftest the runner fails on a changed snapshot and on a leaked secret.
#   report.model           tests/report/test_report.c (cmocka): the model fed by hand — no end
#                          event, the text and item limits at N and N+1, control characters.
# Only sh and local features: no services, a few seconds. Update the snapshots after an
# intended change: python3 tests/report/run_reports.py --runbook BUILD/runbook --update
find_package(Python3 REQUIRED COMPONENTS Interpreter)
if(TARGET runbook)
  add_test(NAME report.snapshots
    COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_LIST_DIR}/report/run_reports.py
            --runbook $<TARGET_FILE:runbook>)
  add_test(NAME report.runner-selftest
    COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_LIST_DIR}/report/run_reports.py
            --runbook $<TARGET_FILE:runbook> --selftest)
  set_tests_properties(report.snapshots report.runner-selftest PROPERTIES TIMEOUT 300)
endif()
if(CMOCKA_FOUND)
  file(GLOB RBK_REPORT_SRC CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/cli/report*.c)
  add_executable(test_report_model ${CMAKE_CURRENT_LIST_DIR}/report/test_report.c ${RBK_REPORT_SRC}
                 ${CMAKE_SOURCE_DIR}/cli/markdown.c)
  target_link_libraries(test_report_model PRIVATE rbk_core PkgConfig::CMOCKA)
  add_test(NAME report.model COMMAND test_report_model)
endif()
