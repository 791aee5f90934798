# The tracer's memory copies (decode/prefetch.c) against every decoder, and
# mem.c's snapshot reads. Included by tests/unit/CMakeLists.txt.
add_executable(test_prefetch ${CMAKE_CURRENT_LIST_DIR}/test_prefetch.c)
target_link_libraries(test_prefetch renacer_lib PkgConfig::CMOCKA)
add_test(NAME unit_prefetch COMMAND test_prefetch)

# The tracer's rehearsals (decode/rehearse.c, mem.c's recording): every
# rehearsable call decoded from its recording as it decodes live.
add_executable(test_rehearse ${CMAKE_CURRENT_LIST_DIR}/test_rehearse.c)
target_link_libraries(test_rehearse renacer_lib PkgConfig::CMOCKA)
add_test(NAME unit_rehearse COMMAND test_rehearse)
