# tests/diff.cmake — `runbook diff` (docs/diff.md), end to end (tests/diff/diff_test.py):
#   diff.goldens   tests/diff/cases/: base.rb and one change per NAME.new.rb / NAME.old.rb, the
#                  text output and exit code against tests/diff/expected/NAME.txt (JSON, Markdown
#                  and GitHub annotations for some); the dangerous moves are ::warning
#   diff.inputs    .rbc inputs, git revisions (a repository made in the test), compile errors
#                  and usage errors
#   diff.props     `runbook fmt` of every runbook of the corpus, examples/ and the plan goldens
#                  is equal to it; diff A B and diff B A agree
if(TARGET runbook)
  foreach(suite goldens inputs props)
    add_test(NAME diff.${suite}
      COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/diff/diff_test.py
              --runbook $<TARGET_FILE:runbook> ${suite})
    set_tests_properties(diff.${suite} PROPERTIES TIMEOUT 600)
  endforeach()
endif()
