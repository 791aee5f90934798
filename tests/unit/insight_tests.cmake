# Unit tests of insight/: the report's critical path and its figures.
# Included by tests/unit/CMakeLists.txt (every *_tests.cmake there).
add_executable(test_report ${CMAKE_CURRENT_LIST_DIR}/test_report.c)
target_link_libraries(test_report renacer_lib PkgConfig::CMOCKA)
add_test(NAME unit_report COMMAND test_report)
