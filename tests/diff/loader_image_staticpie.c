/* SPDX-License-Identifier: BSD-2-Clause */
/* loader_image.c, built static-pie (see loader_image_staticpie.expect). */
#include "loader_image.c"
