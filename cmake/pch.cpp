// Anchor of the precompiled header target (see CMakeLists.txt).
