# cmake/install.cmake: what `cmake --install build [--prefix P]` puts in place:
# the command (bin/tandem), the library (lib/libtandem.so) with its public
# headers (include/tandem/), a CMake package (find_package(tandem), target
# tandem::tandem) and a pkg-config file (pkg-config --cflags --libs tandem).
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

install(TARGETS tandem RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(TARGETS tandem_shared EXPORT tandemTargets
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR})
install(DIRECTORY ${CMAKE_SOURCE_DIR}/api/tandem/ DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/tandem
        FILES_MATCHING PATTERN "*.h")
install(FILES ${CMAKE_BINARY_DIR}/generated/tandem/version.h DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/tandem)

set(config_dir ${CMAKE_INSTALL_LIBDIR}/cmake/tandem)
install(EXPORT tandemTargets NAMESPACE tandem:: DESTINATION ${config_dir})
configure_package_config_file(${CMAKE_SOURCE_DIR}/cmake/tandemConfig.cmake.in
                              ${CMAKE_BINARY_DIR}/tandemConfig.cmake INSTALL_DESTINATION ${config_dir})
write_basic_package_version_file(${CMAKE_BINARY_DIR}/tandemConfigVersion.cmake COMPATIBILITY SameMinorVersion)
install(FILES ${CMAKE_BINARY_DIR}/tandemConfig.cmake ${CMAKE_BINARY_DIR}/tandemConfigVersion.cmake
        DESTINATION ${config_dir})

configure_file(${CMAKE_SOURCE_DIR}/cmake/tandem.pc.in ${CMAKE_BINARY_DIR}/tandem.pc @ONLY)
install(FILES ${CMAKE_BINARY_DIR}/tandem.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
