# SPDX-License-Identifier: Apache-2.0
# Runs licensee's license-file matchers (copyright, exact, dice: what
# `licensee detect` applies to a LICENSE file) on each FILE given, whatever
# its name, and prints one line per file: path, TAB, the SPDX id licensee
# gives or NONE, TAB, the CPU seconds the match took in this process.
#
# Usage: ruby licensee.rb FILE...
require 'licensee'

ARGV.each do |path|
  t0 = Process.clock_gettime(Process::CLOCK_PROCESS_CPUTIME_ID)
  content = File.binread(path)
  file = Licensee::ProjectFiles::LicenseFile.new(content, File.basename(path))
  license = file.license
  id = license&.spdx_id
  id = 'NONE' if id.nil? || id == 'NOASSERTION' || license.key == 'no-license'
  t1 = Process.clock_gettime(Process::CLOCK_PROCESS_CPUTIME_ID)
  puts format("%s\t%s\t%.4f", path, id, t1 - t0)
end
