/* SPDX-License-Identifier: BSD-2-Clause */
/* loader_image.c, built no-pie (see loader_image_nopie.expect). */
#include "loader_image.c"
