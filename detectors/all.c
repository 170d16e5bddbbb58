/* SPDX-License-Identifier: Apache-2.0 */
/* The detector registry: cheap detectors first. */
#include "detector.h"

extern const struct lb_detector lb_detector_os_release;
extern const struct lb_detector lb_detector_apk;
extern const struct lb_detector lb_detector_rpm;
extern const struct lb_detector lb_detector_dpkg;
extern const struct lb_detector lb_detector_licfiles;
extern const struct lb_detector lb_detector_npm;
extern const struct lb_detector lb_detector_python;
extern const struct lb_detector lb_detector_java;
extern const struct lb_detector lb_detector_golang;
extern const struct lb_detector lb_detector_binaries;
extern const struct lb_detector lb_detector_ruby;
extern const struct lb_detector lb_detector_php;
extern const struct lb_detector lb_detector_dotnet;
extern const struct lb_detector lb_detector_rust;

const struct lb_detector *const lb_detectors[] = {
	&lb_detector_os_release,
	&lb_detector_apk,
	&lb_detector_rpm,
	&lb_detector_dpkg,
	&lb_detector_npm,
	&lb_detector_python,
	&lb_detector_golang,
	&lb_detector_binaries,
	&lb_detector_java,
	&lb_detector_ruby,
	&lb_detector_php,
	&lb_detector_dotnet,
	&lb_detector_rust,
	&lb_detector_licfiles,   /* last: it reads what the others found */
};

const size_t lb_ndetectors = sizeof(lb_detectors) / sizeof(lb_detectors[0]);
