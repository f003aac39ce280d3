# tests/canary.cmake — no secret in any byte written (tests/canary/): every output channel of
# every path, against the HTTP fixture and PostgreSQL (the `services` fixture of golden.cmake).
if(TARGET runbook)
  add_test(NAME canary.secrets
    COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/canary/canary_test.py
            --runbook $<TARGET_FILE:runbook> --services-env ${RBK_SERVICES_DIR}/services.env)
  set_tests_properties(canary.secrets PROPERTIES FIXTURES_REQUIRED services RESOURCE_LOCK rbk_services
    TIMEOUT 900 SKIP_RETURN_CODE 77)
endif()
