# Unit tests of the struct decoders (decode/dec_*.c): bytes in the test's
# own memory, read back through rn_mem_read(getpid(), ...).
# Included by tests/unit/CMakeLists.txt (every *_tests.cmake there).
add_executable(test_structs ${CMAKE_CURRENT_LIST_DIR}/test_structs.c)
target_link_libraries(test_structs renacer_lib PkgConfig::CMOCKA)
add_test(NAME unit_structs COMMAND test_structs)
