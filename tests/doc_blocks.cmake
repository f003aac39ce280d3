# tests/doc_blocks.cmake — the ctest test `docs.code-blocks` (included by tests/CMakeLists.txt):
# every ```runbook block in README.md and docs/*.md passes `runbook check --strict` (or the exit
# code its `<!-- check: exit N -->` comment names), docs/builtins.md agrees with
# stdlib/builtins.def, and relative links between the docs resolve. See tests/doc_blocks.py.
find_package(Python3 REQUIRED COMPONENTS Interpreter)
if(TARGET runbook)
  add_test(NAME docs.code-blocks
    COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_LIST_DIR}/doc_blocks.py
            --runbook $<TARGET_FILE:runbook> --root ${CMAKE_CURRENT_LIST_DIR}/..)
  set_tests_properties(docs.code-blocks PROPERTIES TIMEOUT 300)
endif()
