# Run by cpack before it packages (CPACK_PROJECT_CONFIG_FILE): the Debian
# changelog's latest entry must be the version being packaged, and the
# files in the package carry the date of that entry, as dpkg-buildpackage
# does, unless SOURCE_DATE_EPOCH says otherwise.
if(NOT CPACK_POISE_CHANGELOG_VERSION STREQUAL CPACK_PACKAGE_VERSION)
  message(FATAL_ERROR "assets/packaging/changelog's latest entry is ${CPACK_POISE_CHANGELOG_VERSION}, "
          "the package is ${CPACK_PACKAGE_VERSION}: add a changelog entry first")
endif()
if(NOT DEFINED ENV{SOURCE_DATE_EPOCH})
  set(ENV{SOURCE_DATE_EPOCH} "${CPACK_POISE_SOURCE_DATE_EPOCH}")
endif()
