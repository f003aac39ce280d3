# tests/fleet.cmake — the loopback fleet of real OpenSSH sshd processes (scripts/sshd_fleet.sh)
# as a ctest fixture `fleet` (fleet.start / fleet.stop, state in ${CMAKE_BINARY_DIR}/fleet), and
# fleet.fixture, which checks that the fixture is what the remote-execution tests rely on.
find_program(RBK_SSHD sshd PATHS /usr/sbin NO_DEFAULT_PATH)
set(RBK_FLEET_DIR ${CMAKE_BINARY_DIR}/fleet)
if(RBK_SSHD)
  add_test(NAME fleet.start
    COMMAND bash ${CMAKE_SOURCE_DIR}/scripts/sshd_fleet.sh start ${RBK_FLEET_DIR} 20)
  add_test(NAME fleet.stop
    COMMAND bash ${CMAKE_SOURCE_DIR}/scripts/sshd_fleet.sh stop ${RBK_FLEET_DIR})
  set_tests_properties(fleet.start PROPERTIES FIXTURES_SETUP fleet TIMEOUT 120)
  set_tests_properties(fleet.stop PROPERTIES FIXTURES_CLEANUP fleet TIMEOUT 60)
  add_test(NAME fleet.fixture
    COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/fleet/fixture_test.py ${RBK_FLEET_DIR})
  set_tests_properties(fleet.fixture PROPERTIES FIXTURES_REQUIRED fleet RESOURCE_LOCK fleet TIMEOUT 300)
else()
  message(STATUS "sshd not found: the fleet tests are not added (scripts/setup.sh installs openssh-server)")
endif()
if(RBK_SSHD AND TARGET test_sshcmd)
  # the remote runner's script and command line against the fleet (tests/unit/test_sshcmd.c)
  add_test(NAME fleet.sshcmd COMMAND test_sshcmd)
  set_tests_properties(fleet.sshcmd PROPERTIES FIXTURES_REQUIRED fleet RESOURCE_LOCK fleet TIMEOUT 600
    ENVIRONMENT "RBK_FLEET_DIR=${RBK_FLEET_DIR}")
endif()
if(RBK_SSHD)
  # hosts groups and sh/exec with on: end to end (docs/fleet.md): the corpus remotely, the
  # preflight's refusals, a failing host, Ctrl-C, the dry run, masking, report rows
  add_test(NAME fleet.remote
    COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/fleet/remote_test.py $<TARGET_FILE:runbook> ${RBK_FLEET_DIR}
            ${CMAKE_CURRENT_SOURCE_DIR}/unit/shell_corpus.h)
  set_tests_properties(fleet.remote PROPERTIES FIXTURES_REQUIRED fleet RESOURCE_LOCK fleet TIMEOUT 600)
  # per-item steps over the fleet (docs/fleet.md, Per-item steps): batches, failures and
  # max_fail, rollback order, SIGKILL then resume, SIGINT, the dry run, --only
  add_test(NAME fleet.peritem
    COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/fleet/peritem_test.py $<TARGET_FILE:runbook> ${RBK_FLEET_DIR})
  set_tests_properties(fleet.peritem PROPERTIES FIXTURES_REQUIRED fleet RESOURCE_LOCK fleet TIMEOUT 600)
  # file.upload / file.download through scp (docs/fleet.md, Copying files)
  add_test(NAME fleet.copy
    COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/fleet/copy_test.py $<TARGET_FILE:runbook> ${RBK_FLEET_DIR})
  set_tests_properties(fleet.copy PROPERTIES FIXTURES_REQUIRED fleet RESOURCE_LOCK fleet TIMEOUT 600)
endif()
# inventory/inventory.c against Ansible's own reading of the same files (ansible-core)
add_executable(rbk_inv_dump ${CMAKE_CURRENT_SOURCE_DIR}/fleet/inv_dump.c)
target_link_libraries(rbk_inv_dump PRIVATE rbk_inventory)
find_program(RBK_ANSIBLE_INVENTORY ansible-inventory)
if(RBK_ANSIBLE_INVENTORY)
  add_test(NAME inventory.ansible
    COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/fleet/inventory_vs_ansible.py $<TARGET_FILE:rbk_inv_dump>)
  set_tests_properties(inventory.ansible PROPERTIES TIMEOUT 600)
  if(RBK_SSHD)
    set_tests_properties(inventory.ansible PROPERTIES FIXTURES_REQUIRED fleet ENVIRONMENT "RBK_FLEET_DIR=${RBK_FLEET_DIR}")
  endif()
else()
  message(STATUS "ansible-inventory not found: inventory.ansible is not added (scripts/setup.sh installs ansible-core)")
endif()
