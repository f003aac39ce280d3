# tests/limits.cmake — bad input to the front end: a clear error, never a crash or a hang
# (tests/limits/: generated sources at every limit and one past it, FIFOs, devices, /proc files).
if(TARGET runbook)
  add_test(NAME limits.frontend
    COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/limits/limits_test.py
            --runbook $<TARGET_FILE:runbook>)
  set_tests_properties(limits.frontend PROPERTIES TIMEOUT 1200)
endif()
