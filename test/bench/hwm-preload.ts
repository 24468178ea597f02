/**
 * Preloaded into benchmark children (`node --require`): at exit, writes the process's peak RSS (VmHWM, kB) to
 * BENCH_HWM_FILE, so the parent knows the peak even when it came after its last sample of /proc/<pid>/status.
 */
import * as fs from 'node:fs';

const file = process.env.BENCH_HWM_FILE;
if (file) {
  process.on('exit', () => {
    try {
      const match = /^VmHWM:\s+(\d+) kB/m.exec(fs.readFileSync('/proc/self/status', 'utf8'));
      if (match) fs.writeFileSync(file, match[1]);
    } catch {
      // no /proc: the parent's samples are all there is
    }
  });
}
