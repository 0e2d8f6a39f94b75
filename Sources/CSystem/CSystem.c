// Intentionally empty: SwiftPM needs one C source for a C target.
#include "CSystem.h"
