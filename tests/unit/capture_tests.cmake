# Unit tests of the capture codec and the structured outputs.
# Included by tests/unit/CMakeLists.txt (every *_tests.cmake there).
add_executable(test_capture ${CMAKE_CURRENT_LIST_DIR}/test_capture.c
  ${CMAKE_CURRENT_LIST_DIR}/capture_fixture.c)
target_link_libraries(test_capture renacer_lib PkgConfig::CMOCKA PkgConfig::ZSTD
  PkgConfig::MSGPACK)
add_test(NAME unit_capture COMMAND test_capture)

# renacer-dump on a generated capture: text byte-identical to the live text
# sink's, JSON through python's json module, CSV through its csv module,
# exit codes on damaged / missing / foreign files, rotated sets.
add_executable(capture_gen ${CMAKE_CURRENT_LIST_DIR}/capture_gen.c
  ${CMAKE_CURRENT_LIST_DIR}/capture_fixture.c)
target_link_libraries(capture_gen renacer_lib)
add_test(NAME unit_capture_formats
  COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_LIST_DIR}/check_formats.py
          --gen $<TARGET_FILE:capture_gen> --dump $<TARGET_FILE:renacer-dump>)
