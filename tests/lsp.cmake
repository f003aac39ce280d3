# tests/lsp.cmake — `runbook lsp`, the language server (included by tests/CMakeLists.txt).
#   lsp.protocol  tests/lsp/test_protocol.py drives the server over its pipes: lifecycle and exit
#                 codes, malformed headers and JSON, unknown methods, requests before initialize,
#                 the message size limit at and over it, and every feature. Run in the ASan tree
#                 too: a sanitizer report (a leak included) changes the exit codes the cases check.
#   lsp.nvim      Neovim's own LSP client, headless, against the server (tests/lsp/nvim_test.py;
#                 skipped, exit 77, where nvim is not installed). Not in the ASan tree: it tests
#                 the wiring with a real client, the protocol test covers the C code.
if(TARGET runbook)
  find_package(Python3 REQUIRED COMPONENTS Interpreter)
  add_test(NAME lsp.protocol
    COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/lsp/test_protocol.py --runbook $<TARGET_FILE:runbook>)
  set_tests_properties(lsp.protocol PROPERTIES TIMEOUT 900)
  if(NOT RBK_SANITIZE)
    add_test(NAME lsp.nvim
      COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/lsp/nvim_test.py --runbook $<TARGET_FILE:runbook>)
    set_tests_properties(lsp.nvim PROPERTIES TIMEOUT 300 SKIP_RETURN_CODE 77)
  endif()
endif()
