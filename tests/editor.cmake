# tests/editor.cmake — the editor files of editors/ (included by tests/CMakeLists.txt).
#   editor.textmate  the TextMate grammar tokenised by vscode-textmate + vscode-oniguruma (npm ci
#                    into tests/editor/node_modules on first use): tests/editor/textmate_test.js
#   editor.vim       the Vim files in Vim, headless: tests/editor/vim_test.py
#   editor.nvim      the same in Neovim (skipped, exit 77, where nvim is not installed)
# They test the editor files, not the C code, so an ASan tree (RBK_SANITIZE) does not run them
# again; the `runbook check` they call is the release build's.
if(TARGET runbook AND NOT RBK_SANITIZE)
  find_package(Python3 REQUIRED COMPONENTS Interpreter)
  add_test(NAME editor.textmate
    COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/editor/run_textmate.sh ${CMAKE_SOURCE_DIR} $<TARGET_FILE:runbook>)
  set_tests_properties(editor.textmate PROPERTIES TIMEOUT 600)
  foreach(ed vim nvim)
    add_test(NAME editor.${ed}
      COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/editor/vim_test.py --root ${CMAKE_SOURCE_DIR}
              --runbook $<TARGET_FILE:runbook> --editor ${ed})
    set_tests_properties(editor.${ed} PROPERTIES TIMEOUT 600 SKIP_RETURN_CODE 77)
  endforeach()
endif()
