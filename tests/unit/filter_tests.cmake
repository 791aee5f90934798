# Unit tests of the -e expression parser and the seccomp-bpf program
# (syscalls/filter.c, syscalls/seccomp_filter.c).
# Included by tests/unit/CMakeLists.txt (every *_tests.cmake there).
add_executable(test_filter ${CMAKE_CURRENT_LIST_DIR}/test_filter.c)
target_link_libraries(test_filter renacer_lib PkgConfig::CMOCKA)
add_test(NAME unit_filter COMMAND test_filter)

# Forks children that install the filter; no tracer is involved.
add_executable(test_seccomp ${CMAKE_CURRENT_LIST_DIR}/test_seccomp.c)
target_link_libraries(test_seccomp renacer_lib PkgConfig::CMOCKA)
add_test(NAME unit_seccomp COMMAND test_seccomp)
math(EXPR _timeout "60 * ${RN_TIMEOUT_SCALE}")
set_tests_properties(unit_seccomp PROPERTIES TIMEOUT ${_timeout})
