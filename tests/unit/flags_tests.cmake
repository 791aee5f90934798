# Unit tests of the flag and enum tables (decode/flags/*.def) and the
# whole-call decoders (decode/dec_calls.c), on the text strace 6.1 prints.
# Included by tests/unit/CMakeLists.txt (every *_tests.cmake there).
add_executable(test_flags ${CMAKE_CURRENT_LIST_DIR}/test_flags.c)
target_link_libraries(test_flags renacer_lib PkgConfig::CMOCKA)
add_test(NAME unit_flags COMMAND test_flags)
