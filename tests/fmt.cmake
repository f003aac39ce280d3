# tests/fmt.cmake — `runbook fmt` (tests/fmt/).
# fmt.cli: the layout goldens (tests/fmt/cases/NAME.in.rb -> NAME.out.rb), every flag and error path,
#          and examples/ in the layout.
# fmt.props: on every .rb/.runbook of the repository, the parser fuzz seeds and a generated benchmark
# runbook: idempotent, comments kept, the same compiled program, syntax errors refused intact.
if(TARGET runbook)
  add_test(NAME fmt.cli
    COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/fmt/cli_test.py --runbook $<TARGET_FILE:runbook>
            --cases ${CMAKE_CURRENT_SOURCE_DIR}/fmt/cases --tmp ${CMAKE_CURRENT_BINARY_DIR}/fmt_cli)
  add_test(NAME fmt.props
    COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/fmt/props.py --runbook $<TARGET_FILE:runbook>
            --source ${CMAKE_SOURCE_DIR} --tmp ${CMAKE_CURRENT_BINARY_DIR}/fmt_props)
  set_tests_properties(fmt.props PROPERTIES TIMEOUT 1800) # ASan: about 750 s on 2 loaded CPUs
endif()
