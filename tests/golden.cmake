# tests/golden.cmake — ctest tests for the golden files (included by tests/CMakeLists.txt).
# Owns: golden.<subdir> for every directory under tests/golden/, golden.examples for examples/,
# the ctest fixture `services` (services.start / services.stop around them, through
# scripts/services.sh, state in ${CMAKE_BINARY_DIR}/services) and golden.runner-selftest, which
# proves tests/golden_runner.py detects mismatches (tests/golden_runner_selftest/).
# The golden tests share the services (one database), so they hold one RESOURCE_LOCK; unit tests
# still run beside them under ctest -j2.

find_package(Python3 REQUIRED COMPONENTS Interpreter)
find_program(RBK_BASH bash REQUIRED)

set(RBK_GOLDEN_RUNNER ${CMAKE_SOURCE_DIR}/tests/golden_runner.py)
set(RBK_SERVICES_DIR ${CMAKE_BINARY_DIR}/services)

add_test(NAME golden.runner-selftest
  COMMAND ${Python3_EXECUTABLE} ${CMAKE_SOURCE_DIR}/tests/golden_runner_selftest/selftest.py)
set_tests_properties(golden.runner-selftest PROPERTIES TIMEOUT 300)

if(TARGET rbk-fixture-httpd)
  set(RBK_FIXTURE_ENV RBK_FIXTURE_HTTPD=$<TARGET_FILE:rbk-fixture-httpd>)
else()
  set(RBK_FIXTURE_ENV RBK_FIXTURE_HTTPD=)   # set but empty: services.sh skips HTTP
endif()
add_test(NAME services.start
  COMMAND ${CMAKE_COMMAND} -E env ${RBK_FIXTURE_ENV}
          ${RBK_BASH} ${CMAKE_SOURCE_DIR}/scripts/services.sh start ${RBK_SERVICES_DIR})
add_test(NAME services.stop
  COMMAND ${RBK_BASH} ${CMAKE_SOURCE_DIR}/scripts/services.sh stop ${RBK_SERVICES_DIR})
set_tests_properties(services.start PROPERTIES FIXTURES_SETUP services TIMEOUT 120
  RESOURCE_LOCK rbk_services)
set_tests_properties(services.stop PROPERTIES FIXTURES_CLEANUP services TIMEOUT 120
  RESOURCE_LOCK rbk_services)

if(TARGET runbook)
  set(RBK_GOLDEN_SUITES)
  file(GLOB RBK_GOLDEN_ENTRIES LIST_DIRECTORIES true CONFIGURE_DEPENDS
       ${CMAKE_SOURCE_DIR}/tests/golden/*)
  foreach(entry ${RBK_GOLDEN_ENTRIES})
    if(IS_DIRECTORY ${entry})
      get_filename_component(name ${entry} NAME)
      list(APPEND RBK_GOLDEN_SUITES "${name}|${entry}")
    endif()
  endforeach()
  if(IS_DIRECTORY ${CMAKE_SOURCE_DIR}/examples)
    list(APPEND RBK_GOLDEN_SUITES "examples|${CMAKE_SOURCE_DIR}/examples")
  endif()
  # examples/ that declare `hosts` run on the loopback sshd fleet (tests/fleet.cmake's fixture
  # `fleet`; `# requires: fleet`, examples/inventory/)
  find_program(RBK_SSHD sshd PATHS /usr/sbin NO_DEFAULT_PATH)
  foreach(suite ${RBK_GOLDEN_SUITES})
    string(REPLACE "|" ";" parts "${suite}")
    list(GET parts 0 name)
    list(GET parts 1 dir)
    set(fleet_args)
    set(fixtures services)
    set(locks rbk_services)
    if(name STREQUAL "examples" AND RBK_SSHD)
      set(fleet_args --fleet-env ${CMAKE_BINARY_DIR}/fleet/fleet.env)
      set(fixtures services fleet)
      set(locks rbk_services fleet)
    endif()
    add_test(NAME golden.${name}
      COMMAND ${Python3_EXECUTABLE} ${RBK_GOLDEN_RUNNER} --runbook $<TARGET_FILE:runbook>
              --services-env ${RBK_SERVICES_DIR}/services.env ${fleet_args} ${dir})
    set_tests_properties(golden.${name} PROPERTIES FIXTURES_REQUIRED "${fixtures}"
      RESOURCE_LOCK "${locks}" TIMEOUT 1800)
  endforeach()
endif()
