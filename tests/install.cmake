# tests/install.cmake — installing (included by tests/CMakeLists.txt; docs/install.md).
#   install.man         runbook --help is the synopsis of docs/cli.md; the generated man pages
#                       render without warnings and name every option: tests/install/man_test.sh
#   install.completion  the bash and zsh completions, called as the shells call them and typed
#                       in tmux: tests/install/completion_test.py
#   install.prefix      cmake --install into a fresh prefix, moved, then HTTP and SQL goldens run
#                       with the installed binary and its plugins: tests/install/install_test.sh
#                       (release trees only: it installs this tree's build)
# The Debian package on a clean Debian 12 is scripts/test_deb.sh, run by hand (minutes).
if(TARGET runbook)
  find_package(Python3 REQUIRED COMPONENTS Interpreter)
  add_test(NAME install.man
    COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/install/man_test.sh $<TARGET_FILE:runbook> ${CMAKE_BINARY_DIR}/man)
  add_test(NAME install.completion
    COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/install/completion_test.py
            --root ${CMAKE_SOURCE_DIR} --runbook $<TARGET_FILE:runbook>)
  set_tests_properties(install.man install.completion PROPERTIES TIMEOUT 300)
  if(NOT RBK_SANITIZE)
    add_test(NAME install.prefix
      COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/install/install_test.sh ${CMAKE_BINARY_DIR}
              ${CMAKE_BINARY_DIR}/services/services.env)
    set_tests_properties(install.prefix PROPERTIES TIMEOUT 600 FIXTURES_REQUIRED services
      RESOURCE_LOCK rbk_services)
  endif()
endif()
