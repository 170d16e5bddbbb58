/* SPDX-License-Identifier: Apache-2.0 */
/* The detector registry: cheap detectors first. */
#include "detector.h"

extern const struct lb_detector lb_detector_os_release;

const struct lb_detector *const lb_detectors[] = {
	&lb_detector_os_release,
};

const size_t lb_ndetectors = sizeof(lb_detectors) / sizeof(lb_detectors[0]);
