# tests/import.cmake — `runbook import` (docs/import.md), end to end (tests/import/import_test.py):
#   import.goldens     tests/import/cases/*.md: the whole output and summary against
#                      tests/import/expected/, the output checks and documents, deterministic
#   import.references  the reference runbooks in ../shared/reference-runbooks (pinned by SHA-256;
#                      skipped when that directory is not beside the repository)
#   import.quoting     tests/import/quoting.md run by bash and, imported, by `runbook run`, with
#                      hostile values: the same files, nothing run from a value
#   import.errors      bad input: exit codes and positions; odd shapes do not crash
#   import.random      300 seeded documents of runbook-like pieces: each imports and checks
#   import.mdscan      tests/import/test_mdscan.c (cmocka): the Markdown blocks of import/mdscan.c
if(TARGET runbook)
  foreach(suite goldens references quoting errors random)
    add_test(NAME import.${suite}
      COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/import/import_test.py
              --runbook $<TARGET_FILE:runbook> ${suite})
    set_tests_properties(import.${suite} PROPERTIES TIMEOUT 300 SKIP_RETURN_CODE 77)
  endforeach()
endif()
if(CMOCKA_FOUND)
  add_executable(test_import_mdscan ${CMAKE_CURRENT_LIST_DIR}/import/test_mdscan.c ${CMAKE_SOURCE_DIR}/import/mdscan.c)
  target_link_libraries(test_import_mdscan PRIVATE rbk_core PkgConfig::CMOCKA)
  add_test(NAME import.mdscan COMMAND test_import_mdscan)
  set_tests_properties(import.mdscan PROPERTIES TIMEOUT 300)
endif()
