# tests/state.cmake — the run store (docs/state.md), end to end (tests/state/): both stores (a directory, and
# PostgreSQL from the `services` fixture of golden.cmake: a database per case), runs/show/--follow, the run lock
# (a race of two processes, SIGKILL of the holder), resume RUN from the store, the operator role's privileges.
if(TARGET runbook)
  add_test(NAME state.store
    COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/state/state_test.py
            --runbook $<TARGET_FILE:runbook> --services-env ${RBK_SERVICES_DIR}/services.env)
  set_tests_properties(state.store PROPERTIES TIMEOUT 600 FIXTURES_REQUIRED services RESOURCE_LOCK rbk_services)
endif()
