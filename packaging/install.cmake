# packaging/install.cmake — what `cmake --install` puts where, and `cpack -G DEB` (included by
# the top-level CMakeLists.txt). docs/install.md says the same for a reader.
#   bin/runbook
#   <libdir>/runbook/runbook-http.so, runbook-sql.so, runbook-state.so  found relative to the executable
#   share/man/man1/runbook.1.gz, runbook-<cmd>.1.gz    generated from docs/ (scripts/gen_man.py)
#   share/bash-completion/completions/runbook
#   share/zsh/site-functions/_runbook                  (vendor-completions for a /usr prefix)
#   share/vim/vimfiles/, share/nvim/site/              syntax, ftdetect, ftplugin
#   share/runbook/editors/vscode/                      the VS Code extension's folder
#   share/doc/runbook/                                 README.md and docs/*.md
include(GNUInstallDirs)

# The plugins' directory, and the same relative to the executable's: stdlib/builtins.c looks
# there (after the executable's own directory, where the build tree has them), so an installed
# tree works wherever it is moved or whatever --prefix `cmake --install` is given.
set(RBK_PLUGIN_INSTALL_DIR ${CMAKE_INSTALL_LIBDIR}/runbook)
file(RELATIVE_PATH RBK_PLUGIN_RELDIR ${CMAKE_INSTALL_FULL_BINDIR} ${CMAKE_INSTALL_FULL_LIBDIR}/runbook)
set_property(SOURCE ${CMAKE_SOURCE_DIR}/stdlib/builtins.c APPEND PROPERTY
  COMPILE_DEFINITIONS RBK_PLUGIN_RELDIR="${RBK_PLUGIN_RELDIR}")

install(TARGETS runbook RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
foreach(plugin runbook-http runbook-sql runbook-state)
  if(TARGET ${plugin})
    install(TARGETS ${plugin} LIBRARY DESTINATION ${RBK_PLUGIN_INSTALL_DIR})
  endif()
endforeach()

# Man pages: built from the docs at every build where they changed, never committed.
find_package(Python3 REQUIRED COMPONENTS Interpreter)
# One page per command of docs/cli.md's synopsis (= `runbook --help`, the table of cli/commands.c;
# tests/install/man_test.sh compares them), read again when docs/cli.md changes.
execute_process(COMMAND ${Python3_EXECUTABLE} ${CMAKE_SOURCE_DIR}/scripts/gen_man.py --docs ${CMAKE_SOURCE_DIR}/docs --pages
  OUTPUT_VARIABLE RBK_MAN_PAGES OUTPUT_STRIP_TRAILING_WHITESPACE COMMAND_ERROR_IS_FATAL ANY)
string(REPLACE "\n" ";" RBK_MAN_PAGES "${RBK_MAN_PAGES}")
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/docs/cli.md)
set(RBK_MAN_DIR ${CMAKE_BINARY_DIR}/man)
set(RBK_MAN_OUTPUTS)
foreach(p ${RBK_MAN_PAGES})
  list(APPEND RBK_MAN_OUTPUTS ${RBK_MAN_DIR}/${p}.1 ${RBK_MAN_DIR}/${p}.1.gz)
endforeach()
add_custom_command(OUTPUT ${RBK_MAN_OUTPUTS}
  COMMAND ${Python3_EXECUTABLE} ${CMAKE_SOURCE_DIR}/scripts/gen_man.py --docs ${CMAKE_SOURCE_DIR}/docs
          --version ${PROJECT_VERSION} --out ${RBK_MAN_DIR} --gzip
  DEPENDS ${CMAKE_SOURCE_DIR}/scripts/gen_man.py ${CMAKE_SOURCE_DIR}/docs/cli.md
          ${CMAKE_SOURCE_DIR}/docs/journal.md ${CMAKE_SOURCE_DIR}/docs/exit-codes.md
  COMMENT "man pages from docs/")
add_custom_target(rbk_man ALL DEPENDS ${RBK_MAN_OUTPUTS})
foreach(p ${RBK_MAN_PAGES})
  install(FILES ${RBK_MAN_DIR}/${p}.1.gz DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
endforeach()

# Shell completions (they ask `runbook __complete` for commands, options and step names).
if(CMAKE_INSTALL_PREFIX STREQUAL "/usr")
  set(RBK_ZSH_DIR_DEFAULT ${CMAKE_INSTALL_DATADIR}/zsh/vendor-completions) # Debian's zsh fpath
else()
  set(RBK_ZSH_DIR_DEFAULT ${CMAKE_INSTALL_DATADIR}/zsh/site-functions)
endif()
set(RBK_ZSH_COMPLETION_DIR ${RBK_ZSH_DIR_DEFAULT} CACHE STRING "where _runbook is installed")
install(FILES ${CMAKE_SOURCE_DIR}/completions/runbook.bash
        DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions RENAME runbook)
install(FILES ${CMAKE_SOURCE_DIR}/completions/_runbook DESTINATION ${RBK_ZSH_COMPLETION_DIR})

# Editor files. Vim reads share/vim/vimfiles (Debian's vim), Neovim share/nvim/site (its
# default XDG data directories); the VS Code extension is a folder to link or package
# (docs/editors.md).
foreach(vimdir ${CMAKE_INSTALL_DATADIR}/vim/vimfiles ${CMAKE_INSTALL_DATADIR}/nvim/site)
  foreach(sub syntax ftdetect ftplugin)
    install(FILES ${CMAKE_SOURCE_DIR}/editors/vim/${sub}/runbook.vim DESTINATION ${vimdir}/${sub})
  endforeach()
endforeach()
install(DIRECTORY ${CMAKE_SOURCE_DIR}/editors/vscode/ DESTINATION ${CMAKE_INSTALL_DATADIR}/runbook/editors/vscode
        PATTERN node_modules EXCLUDE PATTERN "*.vsix" EXCLUDE)
install(FILES ${CMAKE_SOURCE_DIR}/README.md DESTINATION ${CMAKE_INSTALL_DOCDIR})
install(DIRECTORY ${CMAKE_SOURCE_DIR}/docs/ DESTINATION ${CMAKE_INSTALL_DOCDIR} FILES_MATCHING PATTERN "*.md")

# cpack -G DEB (scripts/test_deb.sh builds one with CMAKE_INSTALL_PREFIX=/usr and installs it
# on a clean Debian 12). The package installs under the configured prefix; its dependencies
# are the libraries the binary and the plugins link, found by dpkg-shlibdeps.
set(CPACK_PACKAGE_NAME runbook)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "a small language for production runbooks")
set(CPACK_PACKAGE_DESCRIPTION "runbook checks, compiles and runs runbooks written as programs: steps with expectations, bounded waits and rollback blocks, a journal to resume from and an evidence report. HTTP (libcurl), SQL (libpq) and the shell are builtins.")
set(CPACK_PACKAGE_CONTACT "runbook maintainers <runbook@localhost>")
set(CPACK_PACKAGING_INSTALL_PREFIX ${CMAKE_INSTALL_PREFIX})
set(CPACK_STRIP_FILES ON)
set(CPACK_GENERATOR DEB)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION admin)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS OFF)
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "bash-completion, postgresql-client")
set(CPACK_OUTPUT_FILE_PREFIX ${CMAKE_BINARY_DIR}/packages)
include(CPack)
