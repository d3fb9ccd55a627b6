/* SPDX-License-Identifier: BSD-2-Clause */
/* loader_image.c, built static (see loader_image_static.expect). */
#include "loader_image.c"
