# The Debian package, made by CPack from what `cmake --install` installs
# (scripts/dev package: a build with prefix /usr, then `cpack`, then
# lintian). Included from assets/CMakeLists.txt, after the install rules.

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME poise)
set(CPACK_PACKAGE_VERSION "${PROJECT_VERSION}")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
# Stripped as dh_strip does: the compiler's .comment section goes too. (Runs
# after src/'s install rules, which install and strip the program.)
install(CODE "
  if(CMAKE_INSTALL_DO_STRIP)
    execute_process(COMMAND \"${CMAKE_OBJCOPY}\" --remove-section=.comment
      \"\$ENV{DESTDIR}\${CMAKE_INSTALL_PREFIX}/${CMAKE_INSTALL_BINDIR}/poise\")
  endif()")

set(CPACK_PACKAGE_CONTACT "${POISE_MAINTAINER}")
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "${POISE_MAINTAINER}")
# A native package (no Debian revision): its version is the project's, and
# the changelog's latest entry must say so. poise_VERSION_ARCH.deb.
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION science)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "balance training and posturography with a force plate")
# CPack puts the summary first; this is the long description.
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION "Poise is a balance-training and posturography system for rehabilitation
clinics. A patient stands on a force plate (the open Poise USB plate or a
Wii Balance Board) and plays short games by shifting their weight; the
physiotherapist runs standard balance tests and exports sway reports as
PDF, CSV or JSON. With no plate attached, Poise runs on a built-in
simulated plate.
.
The package installs udev rules that let the person at the computer use
the plate without root.")
# The libraries' packages from dpkg-shlibdeps, and what is not linked.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
if(POISE_SYSTEM_FONTS)
  set(CPACK_DEBIAN_PACKAGE_DEPENDS "fonts-dejavu-core")
endif()
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    "${CMAKE_CURRENT_SOURCE_DIR}/packaging/postinst"
    "${CMAKE_CURRENT_SOURCE_DIR}/packaging/postrm")
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
set(CPACK_PACKAGE_DIRECTORY "${PROJECT_BINARY_DIR}")
# cpack refuses to make a package whose changelog is not at its version,
# and dates the package's files by the changelog (reproducible builds).
set(CPACK_POISE_CHANGELOG_VERSION "${POISE_CHANGELOG_VERSION}")
set(CPACK_POISE_SOURCE_DATE_EPOCH "${POISE_SOURCE_DATE_EPOCH}")
set(CPACK_PROJECT_CONFIG_FILE "${CMAKE_CURRENT_LIST_DIR}/cpack-check.cmake")
include(CPack)
