# Unit tests of the syscall table and the errno/signal names.
# Included by tests/unit/CMakeLists.txt (every *_tests.cmake there).
add_executable(test_syscalls ${CMAKE_CURRENT_LIST_DIR}/test_syscalls.c)
target_link_libraries(test_syscalls renacer_lib PkgConfig::CMOCKA)
add_test(NAME unit_syscalls COMMAND test_syscalls)

add_executable(test_names ${CMAKE_CURRENT_LIST_DIR}/test_names.c)
target_link_libraries(test_names renacer_lib PkgConfig::CMOCKA)
add_test(NAME unit_names COMMAND test_names)
