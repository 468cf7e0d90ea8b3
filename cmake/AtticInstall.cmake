#===- cmake/AtticInstall.cmake - What `cmake --install` puts in a prefix --===#
#
#   <prefix>/bin/            attic-opt, attic-onnx, attic-run
#   <prefix>/lib/            the static libraries (exported), libAtticCAPI.so,
#                            the mlir-opt plugins
#   <prefix>/include/attic/  headers, .td files and generated .inc files, at
#                            their paths in the source tree
#   <prefix>/lib/cmake/attic AtticConfig.cmake: find_package(Attic)
#
# Included at the end of the top-level CMakeLists.txt, once every target
# exists.
#
#===----------------------------------------------------------------------===#

include(CMakePackageConfigHelpers)

get_property(attic_exported_libraries GLOBAL PROPERTY ATTIC_EXPORTED_LIBRARIES)
set(ATTIC_EXPORT_NAMES CAPI)
foreach(library ${attic_exported_libraries})
  # Attic::Forms rather than Attic::AtticForms.
  string(REGEX REPLACE "^Attic" "" export_name ${library})
  list(APPEND ATTIC_EXPORT_NAMES ${export_name})
  set_target_properties(${library} PROPERTIES EXPORT_NAME ${export_name})
  target_include_directories(${library} INTERFACE
    $<INSTALL_INTERFACE:${ATTIC_INSTALL_INCLUDE_DIR}>)
endforeach()
set_target_properties(AtticCAPI PROPERTIES EXPORT_NAME CAPI)
target_include_directories(AtticCAPI INTERFACE
  $<INSTALL_INTERFACE:${ATTIC_INSTALL_INCLUDE_DIR}>)

install(TARGETS ${attic_exported_libraries} AtticCAPI
  EXPORT AtticTargets
  ARCHIVE DESTINATION ${ATTIC_INSTALL_LIBRARY_DIR} COMPONENT attic
  LIBRARY DESTINATION ${ATTIC_INSTALL_LIBRARY_DIR} COMPONENT attic)
install(TARGETS AtticDialectPlugin AtticPassPlugin
  LIBRARY DESTINATION ${ATTIC_INSTALL_LIBRARY_DIR} COMPONENT attic)
install(TARGETS attic-opt attic-onnx attic-run
  RUNTIME DESTINATION bin COMPONENT attic)

# Headers and .td files of the exported layers, and beside them the .inc
# files generated from the .td files. The .onnx importer's headers stay out
# with its library.
foreach(layer dialects passes codegen tools/init tools/capi)
  get_filename_component(parent "${ATTIC_INSTALL_INCLUDE_DIR}/${layer}"
    DIRECTORY)
  install(DIRECTORY ${PROJECT_SOURCE_DIR}/${layer}
    DESTINATION ${parent} COMPONENT attic
    FILES_MATCHING PATTERN "*.h" PATTERN "*.td"
    PATTERN "translation" EXCLUDE)
endforeach()
foreach(layer dialects passes)
  install(DIRECTORY ${PROJECT_BINARY_DIR}/${layer}
    DESTINATION ${ATTIC_INSTALL_INCLUDE_DIR} COMPONENT attic
    FILES_MATCHING PATTERN "*.inc"
    PATTERN "CMakeFiles" EXCLUDE PATTERN "translation" EXCLUDE)
endforeach()

install(EXPORT AtticTargets NAMESPACE Attic::
  DESTINATION ${ATTIC_INSTALL_CMAKE_DIR} COMPONENT attic)
configure_package_config_file(
  ${PROJECT_SOURCE_DIR}/cmake/AtticConfig.cmake.in
  ${PROJECT_BINARY_DIR}/cmake/AtticConfig.cmake
  INSTALL_DESTINATION ${ATTIC_INSTALL_CMAKE_DIR}
  PATH_VARS ATTIC_INSTALL_INCLUDE_DIR ATTIC_INSTALL_LIBRARY_DIR)
write_basic_package_version_file(
  ${PROJECT_BINARY_DIR}/cmake/AtticConfigVersion.cmake
  VERSION ${PROJECT_VERSION} COMPATIBILITY SameMinorVersion)
install(FILES
  ${PROJECT_BINARY_DIR}/cmake/AtticConfig.cmake
  ${PROJECT_BINARY_DIR}/cmake/AtticConfigVersion.cmake
  DESTINATION ${ATTIC_INSTALL_CMAKE_DIR} COMPONENT attic)
