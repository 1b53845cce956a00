# Splices the record types' field tables into a man page source: each line `%%FIELDS TYPE%%`
# becomes the table `crm __schema --builtin --format scdoc TYPE` prints, so the tables come from
# the schema (lib/model/schema.cpp) and are never typed by hand.
# Usage: cmake -DCRM=path/to/crm -DSRC=man/crm-contact.1.scd -DOUT=build/man/crm-contact.1.scd -P man-fields.cmake
file(READ ${SRC} text)
string(REGEX MATCHALL "%%FIELDS [a-z_]+%%" placeholders "${text}")
list(REMOVE_DUPLICATES placeholders)
foreach(placeholder ${placeholders})
  string(REGEX REPLACE "^%%FIELDS ([a-z_]+)%%$" "\\1" type "${placeholder}")
  execute_process(COMMAND ${CRM} __schema --builtin --format scdoc ${type}
    OUTPUT_VARIABLE table ERROR_VARIABLE error RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${SRC}: crm __schema ${type} failed (${rc}): ${error}")
  endif()
  string(REGEX REPLACE "\n$" "" table "${table}")
  string(REPLACE "${placeholder}" "${table}" text "${text}")
endforeach()
file(WRITE ${OUT} "${text}")
