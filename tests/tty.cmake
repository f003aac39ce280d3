# tests/tty.cmake — the operator's terminal, tested through tmux (included by
# tests/CMakeLists.txt). One ctest test per case of tests/tty/tty_test.py (tty.<case>): gates,
# the secret prompt, the live status line, NO_COLOR and TERM=dumb, the --on-failure ask menu,
# Ctrl-C, the param prompt, commands handed the terminal (tty: true). Skipped (exit 77) where
# tmux is not installed. Each case runs its own tmux server and needs no services.
find_package(Python3 REQUIRED COMPONENTS Interpreter)
set(RBK_TTY_TEST ${CMAKE_CURRENT_SOURCE_DIR}/tty/tty_test.py)
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${RBK_TTY_TEST})
execute_process(COMMAND ${Python3_EXECUTABLE} ${RBK_TTY_TEST} --list
  OUTPUT_VARIABLE RBK_TTY_CASES OUTPUT_STRIP_TRAILING_WHITESPACE RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "tests/tty/tty_test.py --list failed")
endif()
if(TARGET runbook)
  foreach(c ${RBK_TTY_CASES})
    add_test(NAME tty.${c} COMMAND ${Python3_EXECUTABLE} ${RBK_TTY_TEST} --runbook $<TARGET_FILE:runbook> ${c})
    set_tests_properties(tty.${c} PROPERTIES SKIP_RETURN_CODE 77 TIMEOUT 120)
  endforeach()
endif()
