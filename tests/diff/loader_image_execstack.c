/* SPDX-License-Identifier: BSD-2-Clause */
/* loader_image.c, built with an executable stack (PT_GNU_STACK RWX). */
#include "loader_image.c"
