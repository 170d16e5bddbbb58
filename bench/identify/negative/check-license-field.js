'use strict';
// Warn about packages whose package.json has no "license" field, or one
// that is not a valid SPDX expression such as "MIT" or "(MIT OR Apache-2.0)".
const validate = require('spdx-expression-validate');

module.exports = function checkLicense(pkg) {
  if (!pkg.license) return `${pkg.name}: no license field`;
  if (!validate(pkg.license)) return `${pkg.name}: invalid license "${pkg.license}"`;
  return null;
};
