# slabbin_find_jni(): sets SLABBIN_JNI_INCLUDE_DIRS to the folders holding jni.h and the target
# platform's jni_md.h. Only the headers are needed (the library calls no JVM function it would have
# to link), so this looks in JAVA_HOME (CMake variable, then environment) before falling back to
# FindJNI. jni.h is the same everywhere; jni_md.h is per platform (jint, jlong, JNIEXPORT), so it is
# taken from the JDK's folder for the target (include/linux, include/win32, ...). A JDK lacks other
# platforms' folders: for Windows targets the project's own cmake/jni/win32/jni_md.h is used then.
set(_slabbin_jni_dir "${CMAKE_CURRENT_LIST_DIR}/jni")

function(slabbin_find_jni)
  if(CMAKE_SYSTEM_NAME STREQUAL "Windows")
    set(_md_os win32)
  elseif(CMAKE_SYSTEM_NAME STREQUAL "Darwin")
    set(_md_os darwin)
  else()
    string(TOLOWER "${CMAKE_SYSTEM_NAME}" _md_os)
  endif()
  set(_homes "${JAVA_HOME}" "$ENV{JAVA_HOME}")
  foreach(h IN LISTS _homes)
    if(h AND EXISTS "${h}/include/jni.h")
      if(EXISTS "${h}/include/${_md_os}/jni_md.h")
        set(_mddir "${h}/include/${_md_os}")
      elseif(EXISTS "${_slabbin_jni_dir}/${_md_os}/jni_md.h")
        set(_mddir "${_slabbin_jni_dir}/${_md_os}")
      else()
        message(FATAL_ERROR "slabbin: ${h} has no include/${_md_os}/jni_md.h for "
                            "${CMAKE_SYSTEM_NAME} and the project provides none")
      endif()
      set(SLABBIN_JNI_INCLUDE_DIRS "${h}/include;${_mddir}" PARENT_SCOPE)
      message(STATUS "slabbin: JNI headers from ${h}/include and ${_mddir}")
      return()
    endif()
  endforeach()
  find_package(JNI REQUIRED)
  set(SLABBIN_JNI_INCLUDE_DIRS "${JNI_INCLUDE_DIRS}" PARENT_SCOPE)
endfunction()
