# Unit tests of the statistics' building blocks: the latency histogram, the -c
# summary table (against strace 6.1 fixtures in data/summary/), the
# --process-summary table and the -t/-r/-T timestamps.
# Included by tests/unit/CMakeLists.txt (every *_tests.cmake there).
foreach(_t hist summary procsummary procstats timefmt)
  add_executable(test_${_t} ${CMAKE_CURRENT_LIST_DIR}/test_${_t}.c)
  target_link_libraries(test_${_t} renacer_lib PkgConfig::CMOCKA)
  add_test(NAME unit_${_t} COMMAND test_${_t})
endforeach()
target_compile_definitions(test_summary PRIVATE
  RN_SUMMARY_DATA="${CMAKE_CURRENT_LIST_DIR}/data/summary")
