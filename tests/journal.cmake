# tests/journal.cmake — the journal and `runbook resume`, end to end (tests/journal/).
# journal.resume: the cases one by one (PostgreSQL for one); journal.crash: the crash-consistency test (SIGKILL at
# every journal write and inside every effect, then resume; needs strace, scripts/setup.sh); journal.crash-pg: the same
# with the journal in the PostgreSQL run store.
if(TARGET runbook)
  add_test(NAME journal.resume
    COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/journal/journal_test.py
            --runbook $<TARGET_FILE:runbook> --services-env ${RBK_SERVICES_DIR}/services.env)
  # PostgreSQL (the `services` fixture of golden.cmake) for the transaction case
  set_tests_properties(journal.resume PROPERTIES TIMEOUT 600 FIXTURES_REQUIRED services RESOURCE_LOCK rbk_services)
  add_test(NAME journal.crash
    COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/journal/crash_test.py
            --runbook $<TARGET_FILE:runbook>)
  set_tests_properties(journal.crash PROPERTIES TIMEOUT 900)
  # the same against the PostgreSQL run store (docs/state.md): a database of the `services` cluster
  add_test(NAME journal.crash-pg
    COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/journal/crash_test.py
            --runbook $<TARGET_FILE:runbook> --pg-services-env ${RBK_SERVICES_DIR}/services.env)
  set_tests_properties(journal.crash-pg PROPERTIES TIMEOUT 900 FIXTURES_REQUIRED services RESOURCE_LOCK rbk_services)
endif()
