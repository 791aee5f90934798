# renacer-dump on captures capture_gen does not make (dump_gen.c): many
# calls left unfinished, captures joined into one file, records out of the
# format's ranges. Checked by check_dump.py.
add_executable(dump_gen ${CMAKE_CURRENT_LIST_DIR}/dump_gen.c)
target_link_libraries(dump_gen renacer_lib PkgConfig::ZSTD PkgConfig::MSGPACK)
foreach(_part IN ITEMS unfinished joined hostile)
  add_test(NAME unit_dump_${_part}
    COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_LIST_DIR}/check_dump.py
            --gen $<TARGET_FILE:dump_gen> --capture-gen $<TARGET_FILE:capture_gen>
            --dump $<TARGET_FILE:renacer-dump> ${_part})
endforeach()
# 200k unfinished calls through json, csv and perfetto take a few seconds
# when the pending calls are kept in a table that scales; a scan of them
# per call (quadratic: minutes) runs into this limit.
math(EXPR _timeout "60 * ${RN_TIMEOUT_SCALE}")
set_tests_properties(unit_dump_unfinished PROPERTIES TIMEOUT ${_timeout})
