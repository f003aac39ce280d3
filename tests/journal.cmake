# tests/journal.cmake — the journal and `runbook resume`, end to end (tests/journal/).
if(TARGET runbook)
  add_test(NAME journal.resume
    COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/journal/journal_test.py
            --runbook $<TARGET_FILE:runbook>)
  set_tests_properties(journal.resume PROPERTIES TIMEOUT 600)
endif()
